// CCurl: libcurl for CustomVisionHTTP (its only importer), loaded with dlopen rather than linked. Linking it made
// every start of a program pay for libcurl's dependencies (TLS, Kerberos, LDAP, ...): about 3.6 ms of a 10 ms start
// of cvctl, commands that never go on the network included. cv_curl_preload() loads it on a thread of its own while
// the program starts; any cv_curl_ function loads it on first use otherwise. The types and constants come from
// <curl/curl.h> (libcurl4-openssl-dev); libcurl.so.4 (libcurl.4.dylib on macOS) must be there when a request is made.
#ifndef CV_CURL_SHIM_H
#define CV_CURL_SHIM_H
#include <curl/curl.h>

/// Starts loading libcurl on a background thread and returns at once (does nothing once loaded or loading).
void cv_curl_preload(void);
/// Waits for a preload under way to end (a process should not exit while libcurl's libraries are being set up).
void cv_curl_settle(void);
/// Loads libcurl if it is not loaded yet (waiting for a preload under way); 1 when it is usable.
int cv_curl_available(void);
/// Why libcurl could not be loaded (dlerror's text), or NULL when it was.
const char *cv_curl_load_error(void);

// The libcurl functions CustomVisionHTTP calls, under cv_ names (the same names as libcurl's would clash with
// libcurl itself where another library of the process links it). When libcurl cannot be loaded they fail:
// CURLE_FAILED_INIT, CURLM_INTERNAL_ERROR or NULL; the void ones do nothing.
CURLcode cv_curl_global_init(long flags);
CURL *cv_curl_easy_init(void);
void cv_curl_easy_cleanup(CURL *handle);
void cv_curl_easy_reset(CURL *handle);
const char *cv_curl_easy_strerror(CURLcode code);
struct curl_slist *cv_curl_slist_append(struct curl_slist *list, const char *string);
void cv_curl_slist_free_all(struct curl_slist *list);
curl_mime *cv_curl_mime_init(CURL *easy);
void cv_curl_mime_free(curl_mime *mime);
curl_mimepart *cv_curl_mime_addpart(curl_mime *mime);
CURLcode cv_curl_mime_name(curl_mimepart *part, const char *name);
CURLcode cv_curl_mime_data(curl_mimepart *part, const char *data, size_t size);
CURLcode cv_curl_mime_filename(curl_mimepart *part, const char *filename);
CURLcode cv_curl_mime_type(curl_mimepart *part, const char *type);
CURLM *cv_curl_multi_init(void);
CURLMcode cv_curl_multi_cleanup(CURLM *multi);
CURLMcode cv_curl_multi_add_handle(CURLM *multi, CURL *easy);
CURLMcode cv_curl_multi_remove_handle(CURLM *multi, CURL *easy);
CURLMcode cv_curl_multi_perform(CURLM *multi, int *running);
CURLMsg *cv_curl_multi_info_read(CURLM *multi, int *queued);
CURLMcode cv_curl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout, int *ready);
CURLMcode cv_curl_multi_wakeup(CURLM *multi);

// curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are variadic, which Swift cannot call: typed wrappers.
CURLcode cv_easy_setopt_long(CURL *h, CURLoption o, long v);
CURLcode cv_easy_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode cv_easy_setopt_pointer(CURL *h, CURLoption o, void *v);
CURLcode cv_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode cv_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v);
CURLcode cv_easy_setopt_mime(CURL *h, curl_mime *v);
typedef size_t (*cv_data_callback)(char *, size_t, size_t, void *);
typedef int (*cv_seek_callback)(void *, curl_off_t, int);
typedef int (*cv_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
CURLcode cv_easy_setopt_seek_callback(CURL *h, cv_seek_callback v);
CURLcode cv_easy_setopt_data_callback(CURL *h, CURLoption o, cv_data_callback v);
CURLcode cv_easy_setopt_xferinfo(CURL *h, cv_xferinfo_callback v);
CURLcode cv_easy_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode cv_easy_getinfo_double(CURL *h, CURLINFO i, double *v);
CURLcode cv_easy_getinfo_string(CURL *h, CURLINFO i, char **v);
CURLMcode cv_multi_setopt_long(CURLM *m, CURLMoption o, long v);
// CURLMsg keeps the transfer's result in an anonymous union: read it in C.
static inline CURLcode cv_msg_result(const CURLMsg *msg) { return msg->data.result; }
static inline int cv_msg_is_done(const CURLMsg *msg) { return msg->msg == CURLMSG_DONE; }
#endif
