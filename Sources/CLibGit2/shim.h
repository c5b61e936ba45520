#ifndef FLK_CLIBGIT2_SHIM_H
#define FLK_CLIBGIT2_SHIM_H
#include <git2.h>
#endif
