#ifndef CV_PNG_SHIM_H
#define CV_PNG_SHIM_H
#include <png.h>
#endif
