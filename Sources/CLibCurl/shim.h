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

/* One share handle per transport: DNS cache, TLS sessions and the connection cache are
   shared by every easy handle that names it, whichever thread runs it. libcurl asks for a
   lock around each shared structure; these mutexes (one per kind of data) provide it. */
#include <pthread.h>
#include <stdlib.h>
typedef struct {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
} flk_curl_share;
static void flk_curl_share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *u) {
    (void)h; (void)a; pthread_mutex_lock(&((flk_curl_share *)u)->locks[d]);
}
static void flk_curl_share_unlock(CURL *h, curl_lock_data d, void *u) {
    (void)h; pthread_mutex_unlock(&((flk_curl_share *)u)->locks[d]);
}
/* shareConnections: also share the connection cache (for easy handles run by
   curl_easy_perform; handles run by one multi handle share its cache already). */
static inline flk_curl_share *flk_curl_share_new(int shareConnections) {
    flk_curl_share *s = calloc(1, sizeof(flk_curl_share));
    if (!s) return NULL;
    s->share = curl_share_init();
    if (!s->share) { free(s); return NULL; }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&s->locks[i], NULL);
    curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, flk_curl_share_lock);
    curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, flk_curl_share_unlock);
    curl_share_setopt(s->share, CURLSHOPT_USERDATA, (void *)s);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    if (shareConnections) curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    return s;
}
static inline void flk_curl_share_free(flk_curl_share *s) {
    if (!s) return;
    curl_share_cleanup(s->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&s->locks[i]);
    free(s);
}
typedef int (*flk_curl_prereq_cb)(void *, char *, char *, int, int);
static inline CURLcode flk_curl_easy_setopt_prereq_cb(CURL *h, flk_curl_prereq_cb v) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, v); }
static inline CURLcode flk_curl_easy_set_share(CURL *h, flk_curl_share *s) { return curl_easy_setopt(h, CURLOPT_SHARE, s->share); }

/* The multi interface (one thread drives every transfer; HTTP/2 streams share a connection). */
static inline CURLMcode flk_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
/* The next finished transfer: 1 and its easy handle and result, or 0 when none is left. */
static inline int flk_curl_multi_next_done(CURLM *m, CURL **easy, CURLcode *result) {
    int left = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
        if (msg->msg == CURLMSG_DONE) { *easy = msg->easy_handle; *result = msg->data.result; return 1; }
    }
    return 0;
}
static inline size_t flk_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
#endif
