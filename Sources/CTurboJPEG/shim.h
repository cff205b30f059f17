#ifndef CV_TURBOJPEG_SHIM_H
#define CV_TURBOJPEG_SHIM_H
#include <stddef.h>
#include <turbojpeg.h>

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
/// glibc's `mallopt` for ImagePrep's opt-in AllocatorTuning (malloc.h is not in Swift's Glibc module). Lives in
/// this shim because ImagePrep imports no other C module of its own. Returns 1 when both settings were applied.
static inline int cv_malloc_keep_resident(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
#else
static inline int cv_malloc_keep_resident(int mmap_threshold, int trim_threshold) {
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
}
#endif
#endif
