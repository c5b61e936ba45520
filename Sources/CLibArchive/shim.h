#ifndef FLK_CLIBARCHIVE_SHIM_H
#define FLK_CLIBARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
