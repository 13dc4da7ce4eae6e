#ifndef CCURRENTCPU_SHIM_H
#define CCURRENTCPU_SHIM_H
// The core the calling thread runs on. glibc's sched_getcpu (a read of the thread's rseq area, no system call) is
// declared only under _GNU_SOURCE, which Swift's Glibc module is built without; declared here instead.
#if defined(__linux__)
extern int sched_getcpu(void);
static inline int ccurrentcpu_get(void) {
    int cpu = sched_getcpu();
    return cpu < 0 ? 0 : cpu;
}
#else
static inline int ccurrentcpu_get(void) { return 0; }
#endif
#endif
