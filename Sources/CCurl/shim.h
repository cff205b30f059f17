#ifndef CV_CURL_SHIM_H
#define CV_CURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt / curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers.
static inline CURLcode cv_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cv_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cv_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cv_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cv_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cv_easy_setopt_mime(CURL *h, curl_mime *v) { return curl_easy_setopt(h, CURLOPT_MIMEPOST, v); }
typedef size_t (*cv_data_callback)(char *, size_t, size_t, void *);
typedef int (*cv_seek_callback)(void *, curl_off_t, int);
static inline CURLcode cv_easy_setopt_seek_callback(CURL *h, cv_seek_callback v) { return curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, v); }
typedef int (*cv_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode cv_easy_setopt_data_callback(CURL *h, CURLoption o, cv_data_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cv_easy_setopt_xferinfo(CURL *h, cv_xferinfo_callback v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }
static inline CURLcode cv_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cv_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cv_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cv_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }
static inline CURLMcode cv_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
// CURLMsg keeps the transfer's result in an anonymous union: read it in C.
static inline CURLcode cv_msg_result(const CURLMsg *msg) { return msg->data.result; }
static inline int cv_msg_is_done(const CURLMsg *msg) { return msg->msg == CURLMSG_DONE; }
#endif
