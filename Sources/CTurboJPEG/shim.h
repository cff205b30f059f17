#ifndef CV_TURBOJPEG_SHIM_H
#define CV_TURBOJPEG_SHIM_H
#include <stddef.h>
#include <turbojpeg.h>
#endif
