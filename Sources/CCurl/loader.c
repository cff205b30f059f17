// libcurl through dlopen: see shim.h.
#include "shim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

// Every function used: return type, name, parameters, arguments, and what it returns when libcurl is missing.
#define CV_CURL_FUNCTIONS(X)                                                                                          \
    X(CURLcode, curl_global_init, (long flags), (flags), CURLE_FAILED_INIT)                                           \
    X(CURL *, curl_easy_init, (void), (), NULL)                                                                       \
    X(const char *, curl_easy_strerror, (CURLcode code), (code), "libcurl could not be loaded")                       \
    X(struct curl_slist *, curl_slist_append, (struct curl_slist * list, const char *string), (list, string), NULL)   \
    X(curl_mime *, curl_mime_init, (CURL * easy), (easy), NULL)                                                       \
    X(curl_mimepart *, curl_mime_addpart, (curl_mime * mime), (mime), NULL)                                           \
    X(CURLcode, curl_mime_name, (curl_mimepart * part, const char *name), (part, name), CURLE_FAILED_INIT)            \
    X(CURLcode, curl_mime_data, (curl_mimepart * part, const char *data, size_t size), (part, data, size),            \
      CURLE_FAILED_INIT)                                                                                              \
    X(CURLcode, curl_mime_filename, (curl_mimepart * part, const char *name), (part, name), CURLE_FAILED_INIT)        \
    X(CURLcode, curl_mime_type, (curl_mimepart * part, const char *type), (part, type), CURLE_FAILED_INIT)            \
    X(CURLM *, curl_multi_init, (void), (), NULL)                                                                     \
    X(CURLMcode, curl_multi_cleanup, (CURLM * multi), (multi), CURLM_INTERNAL_ERROR)                                  \
    X(CURLMcode, curl_multi_add_handle, (CURLM * multi, CURL *easy), (multi, easy), CURLM_INTERNAL_ERROR)             \
    X(CURLMcode, curl_multi_remove_handle, (CURLM * multi, CURL *easy), (multi, easy), CURLM_INTERNAL_ERROR)          \
    X(CURLMcode, curl_multi_perform, (CURLM * multi, int *running), (multi, running), CURLM_INTERNAL_ERROR)           \
    X(CURLMsg *, curl_multi_info_read, (CURLM * multi, int *queued), (multi, queued), NULL)                           \
    X(CURLMcode, curl_multi_poll, (CURLM * multi, struct curl_waitfd *extra, unsigned int count, int timeout,         \
                                   int *ready), (multi, extra, count, timeout, ready), CURLM_INTERNAL_ERROR)          \
    X(CURLMcode, curl_multi_wakeup, (CURLM * multi), (multi), CURLM_INTERNAL_ERROR)

#define CV_CURL_VOID_FUNCTIONS(X)                                                                                     \
    X(curl_easy_cleanup, (CURL * handle), (handle))                                                                   \
    X(curl_easy_reset, (CURL * handle), (handle))                                                                     \
    X(curl_slist_free_all, (struct curl_slist * list), (list))                                                        \
    X(curl_mime_free, (curl_mime * mime), (mime))

#define CV_CURL_VARIADIC_FUNCTIONS(X)                                                                                 \
    X(CURLcode, curl_easy_setopt, CURL *, CURLoption)                                                                 \
    X(CURLcode, curl_easy_getinfo, CURL *, CURLINFO)                                                                  \
    X(CURLMcode, curl_multi_setopt, CURLM *, CURLMoption)

#define CV_POINTER(type, name, params, args, failure) static type(*p_##name) params;
#define CV_VOID_POINTER(name, params, args) static void(*p_##name) params;
#define CV_VARIADIC_POINTER(type, name, handle, option) static type (*p_##name)(handle, option, ...);
CV_CURL_FUNCTIONS(CV_POINTER)
CV_CURL_VOID_FUNCTIONS(CV_VOID_POINTER)
CV_CURL_VARIADIC_FUNCTIONS(CV_VARIADIC_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static const char *loadError;
static char loadErrorText[512];  // dlerror's text, copied: its own buffer is reused by the next dl call

static void load(void) {
#if defined(__APPLE__)
    static const char *const names[] = {"libcurl.4.dylib", "/usr/lib/libcurl.4.dylib"};
#else
    static const char *const names[] = {"libcurl.so.4", "libcurl.so"};
#endif
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(loadErrorText, sizeof loadErrorText, "%s", reason != NULL ? reason : "dlopen failed");
        loadError = loadErrorText;
        return;
    }
    int complete = 1;
#define CV_RESOLVE(name) complete &= (*(void **)&p_##name = dlsym(library, #name)) != NULL;
#define CV_RESOLVE_FUNCTION(type, name, params, args, failure) CV_RESOLVE(name)
#define CV_RESOLVE_VOID(name, params, args) CV_RESOLVE(name)
#define CV_RESOLVE_VARIADIC(type, name, handle, option) CV_RESOLVE(name)
    CV_CURL_FUNCTIONS(CV_RESOLVE_FUNCTION)
    CV_CURL_VOID_FUNCTIONS(CV_RESOLVE_VOID)
    CV_CURL_VARIADIC_FUNCTIONS(CV_RESOLVE_VARIADIC)
    if (!complete) {
        loadError = "libcurl lacks a function this program needs (libcurl 7.68 or later is required)";
        return;
    }
    loaded = 1;
}

int cv_curl_available(void) {
    pthread_once(&once, load);
    return loaded;
}

const char *cv_curl_load_error(void) { return cv_curl_available() ? NULL : loadError; }

static pthread_once_t preloadOnce = PTHREAD_ONCE_INIT;
static atomic_int preloading;

static void *preloadThread(void *unused) {
    (void)unused;
    cv_curl_available();
    return NULL;
}

static void startPreload(void) {
    pthread_attr_t attributes;
    pthread_t thread;
    if (pthread_attr_init(&attributes) != 0) return;  // loaded on first use instead
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, preloadThread, NULL) == 0) atomic_store(&preloading, 1);
    pthread_attr_destroy(&attributes);
}

void cv_curl_preload(void) { pthread_once(&preloadOnce, startPreload); }

void cv_curl_settle(void) {
    if (atomic_load(&preloading)) pthread_once(&once, load);
}

// The forwarding functions.
#define CV_FORWARD(type, name, params, args, failure)                                                                 \
    type cv_##name params { return cv_curl_available() ? p_##name args : failure; }
#define CV_FORWARD_VOID(name, params, args)                                                                           \
    void cv_##name params {                                                                                           \
        if (cv_curl_available()) p_##name args;                                                                       \
    }
CV_CURL_FUNCTIONS(CV_FORWARD)
CV_CURL_VOID_FUNCTIONS(CV_FORWARD_VOID)

// The typed wrappers of the variadic functions.
#define CV_EASY_SETOPT(suffix, type)                                                                                  \
    CURLcode cv_easy_setopt_##suffix(CURL *h, CURLoption o, type v) {                                                 \
        return cv_curl_available() ? p_curl_easy_setopt(h, o, v) : CURLE_FAILED_INIT;                                 \
    }
CV_EASY_SETOPT(long, long)
CV_EASY_SETOPT(string, const char *)
CV_EASY_SETOPT(pointer, void *)
CV_EASY_SETOPT(off, curl_off_t)
CV_EASY_SETOPT(slist, struct curl_slist *)
CV_EASY_SETOPT(data_callback, cv_data_callback)

CURLcode cv_easy_setopt_mime(CURL *h, curl_mime *v) {
    return cv_curl_available() ? p_curl_easy_setopt(h, CURLOPT_MIMEPOST, v) : CURLE_FAILED_INIT;
}
CURLcode cv_easy_setopt_seek_callback(CURL *h, cv_seek_callback v) {
    return cv_curl_available() ? p_curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, v) : CURLE_FAILED_INIT;
}
CURLcode cv_easy_setopt_xferinfo(CURL *h, cv_xferinfo_callback v) {
    return cv_curl_available() ? p_curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v) : CURLE_FAILED_INIT;
}

#define CV_EASY_GETINFO(suffix, type)                                                                                 \
    CURLcode cv_easy_getinfo_##suffix(CURL *h, CURLINFO i, type *v) {                                                 \
        return cv_curl_available() ? p_curl_easy_getinfo(h, i, v) : CURLE_FAILED_INIT;                                \
    }
CV_EASY_GETINFO(long, long)
CV_EASY_GETINFO(double, double)
CV_EASY_GETINFO(string, char *)

CURLMcode cv_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return cv_curl_available() ? p_curl_multi_setopt(m, o, v) : CURLM_INTERNAL_ERROR;
}
