#ifndef FLK_CLIBCURL_SHIM_H
#define FLK_CLIBCURL_SHIM_H
#include <curl/curl.h>

/* Typed wrappers: Swift cannot call C variadic functions. */
static inline CURLcode flk_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode flk_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode flk_curl_easy_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode flk_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode flk_curl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*flk_curl_write_cb)(char *, size_t, size_t, void *);
typedef int (*flk_curl_xferinfo_cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode flk_curl_easy_setopt_write_cb(CURL *h, CURLoption o, flk_curl_write_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode flk_curl_easy_setopt_xferinfo_cb(CURL *h, flk_curl_xferinfo_cb v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }
static inline CURLcode flk_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode flk_curl_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode flk_curl_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode flk_curl_easy_setopt_errorbuffer(CURL *h, char *buf) { return curl_easy_setopt(h, CURLOPT_ERRORBUFFER, buf); }
static inline const char *flk_curl_version_string(void) { return curl_version_info(CURLVERSION_NOW)->version; }
static inline CURLcode flk_curl_global_init_default(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
#endif
