#ifndef POSTDESK_CCURL_H
#define POSTDESK_CCURL_H
#include <curl/curl.h>   /* re-exported to Swift: curl_easy_*, CURLOPT_*, CURLE_* */

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
