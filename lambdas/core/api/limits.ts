/**
 * The largest request body a deployed API can take: API Gateway REST accepts
 * 10 MB, but Lambda refuses a synchronous event over 6,291,456 bytes, so a
 * larger body never reaches a handler. The handlers, the local gateway and the
 * web ACL (`-c waf=true`) all refuse more with 413.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
