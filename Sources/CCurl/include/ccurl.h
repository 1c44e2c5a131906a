#ifndef POSTDESK_CCURL_H
#define POSTDESK_CCURL_H
#include <curl/curl.h>   /* re-exported to Swift for the types and constants: CURL, CURLOPT_*, CURLE_* */

/* libcurl is loaded on first use (dlopen), not at start-up: with its TLS, Kerberos and LDAP libraries, all bound
   at load, it cost every process 12 M instructions, `postdesk parse` included. Call these, never curl_* directly.
   When libcurl cannot be loaded, ccurl_easy_init gives NULL and the others fail with CURLE_FAILED_INIT. */
CURLcode ccurl_global_init(long flags);
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *h);
CURLcode ccurl_easy_perform(CURL *h);
CURLcode ccurl_easy_send(CURL *h, const void *buffer, size_t length, size_t *sent);
CURLcode ccurl_easy_recv(CURL *h, void *buffer, size_t length, size_t *received);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text);
void ccurl_slist_free_all(struct curl_slist *list);
/* Whether libcurl was found (loading it if not yet tried). */
int ccurl_available(void);

typedef size_t (*ccurl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef size_t (*ccurl_read_cb)(char *buffer, size_t size, size_t nitems, void *userdata);

/* curl_easy_setopt / curl_easy_getinfo are C-variadic, which Swift cannot call. */
CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode ccurl_setopt_data_function(CURL *h, CURLoption opt, ccurl_data_cb cb);
CURLcode ccurl_setopt_read_function(CURL *h, ccurl_read_cb cb);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode ccurl_getinfo_socket(CURL *h, CURLINFO info, curl_socket_t *out);

#endif
