#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>

/* The libcurl functions Postdesk uses, looked up once (see ccurl.h). */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_send)(CURL *, const void *, size_t, size_t *);
    CURLcode (*easy_recv)(CURL *, void *, size_t, size_t *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
} api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
#ifdef __APPLE__
    static const char *names[] = {"libcurl.4.dylib", "libcurl.dylib"};
#else
    static const char *names[] = {"libcurl.so.4", "libcurl.so"};
#endif
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
#define FIND(field, name) *(void **)&api.field = dlsym(lib, name); if (!api.field) return
    FIND(global_init, "curl_global_init");
    FIND(easy_init, "curl_easy_init");
    FIND(easy_cleanup, "curl_easy_cleanup");
    FIND(easy_perform, "curl_easy_perform");
    FIND(easy_send, "curl_easy_send");
    FIND(easy_recv, "curl_easy_recv");
    FIND(easy_strerror, "curl_easy_strerror");
    FIND(slist_append, "curl_slist_append");
    FIND(slist_free_all, "curl_slist_free_all");
    FIND(easy_setopt, "curl_easy_setopt");
    FIND(easy_getinfo, "curl_easy_getinfo");
#undef FIND
    loaded = 1;
}

int ccurl_available(void) {
    pthread_once(&once, load);
    return loaded;
}

CURLcode ccurl_global_init(long flags) { return ccurl_available() ? api.global_init(flags) : CURLE_FAILED_INIT; }
CURL *ccurl_easy_init(void) { return ccurl_available() ? api.easy_init() : NULL; }
/* A handle exists only when libcurl loaded, so the calls that take one need no check. */
void ccurl_easy_cleanup(CURL *h) { if (h) api.easy_cleanup(h); }
CURLcode ccurl_easy_perform(CURL *h) { return api.easy_perform(h); }
CURLcode ccurl_easy_send(CURL *h, const void *b, size_t n, size_t *sent) { return api.easy_send(h, b, n, sent); }
CURLcode ccurl_easy_recv(CURL *h, void *b, size_t n, size_t *got) { return api.easy_recv(h, b, n, got); }
const char *ccurl_easy_strerror(CURLcode code) {
    return ccurl_available() ? api.easy_strerror(code) : "libcurl (libcurl.so.4) could not be loaded";
}
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text) {
    return ccurl_available() ? api.slist_append(list, text) : NULL;
}
void ccurl_slist_free_all(struct curl_slist *list) { if (list) api.slist_free_all(list); }

CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_data_function(CURL *h, CURLoption o, ccurl_data_cb cb) { return api.easy_setopt(h, o, cb); }
CURLcode ccurl_setopt_read_function(CURL *h, ccurl_read_cb cb) {
    return api.easy_setopt(h, CURLOPT_READFUNCTION, cb);
}
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *out) { return api.easy_getinfo(h, i, out); }
CURLcode ccurl_getinfo_socket(CURL *h, CURLINFO i, curl_socket_t *out) { return api.easy_getinfo(h, i, out); }
