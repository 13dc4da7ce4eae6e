#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* libxml2 may be built with ICU; its encoding.h would then pull in the system ICU headers, which clash with
   Foundation's bundled ICU module. Nothing here touches the ICU-specific encoder fields, so leave them out. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer; a call through this helper keeps Swift's concurrency checker happy. */
static inline void clibxml2_free(void *pointer) { xmlFree(pointer); }
#endif
