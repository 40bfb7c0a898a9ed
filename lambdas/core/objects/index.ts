/** Stored objects (the paket): requests naming them, their versions, names in a ZIP, folder expansion. */
export * from './folder';
export * from './naming';
export * from './paket';
export * from './request';
export * from './versions';
export * from './zipball-request';
export * from './paket-request';
