#ifndef CJEMALLOC_SHIM_H
#define CJEMALLOC_SHIM_H
// jemalloc as the `workflow` executable's malloc: linked into the executable (WorkflowCLI imports this module),
// it takes malloc and free over from glibc for the Swift runtime, NIO and hiredis alike.
#include <jemalloc/jemalloc.h>
#endif
