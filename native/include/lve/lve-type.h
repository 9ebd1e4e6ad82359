/* SPDX-License-Identifier: MIT */
/*
 * lve/lve-type.h - the types of CloudLinux's application API for LVEs
 * (liblve API 1.3), for programs written against it.  See lve/lve-ctl.h.
 *
 * The names, values and layouts below are those CloudLinux's own header
 * publishes, so that a program written for it compiles here unchanged and a
 * program built there runs here unchanged.
 */
#ifndef _LVE_TYPE_H_
#define _LVE_TYPE_H_

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

/* How lve_enter_flags() and lve_setup_enter() enter. */
enum liblve_enter_flags {
	LVE_NO_UBC = 1 << 0,       /* accepted; no meaning here */
	LVE_NO_NAMESPACE = 1 << 1, /* accepted; there is no CageFS namespace here */
	LVE_NO_MAXENTER = 1 << 2,  /* enter even when the entry limit is reached */
	LVE_SILENCE = 1 << 3,      /* accepted; liblve never logs */
};

/* Flags of an LVE (the admin section, not offered here, sets them). */
enum liblve_ve_flags {
	LVE_VE_DISABLE = 1 << 0,
};

/* lve_check_fault()'s bits: a limit the caller's LVE reached. */
enum liblve_ve_fails {
	LVE_FAIL_MEM = 1 << 0,     /* virtual memory: never set, nothing limits it here */
	LVE_FAIL_MEM_PHY = 1 << 1, /* physical memory */
	LVE_FAIL_NPROC = 1 << 2,   /* processes and threads */
};

/* In ls_cpu: the value is in hundredths of a percent of one core (10000 is
 * one core) rather than a percentage of ls_cpus cores.  Bit 31, written as
 * INT32_MIN so that no compiler sees a shift into the sign bit. */
#define LIBLVE_SETTINGS_LS_CPU_HIRES (-0x7fffffff - 1)

/*
 * An LVE's limits as lve_setup_enter() takes them.  0 means no limit;
 * -1 leaves that limit as it is.  Units (lve/lve-ctl.h says how each maps
 * onto a cgroup limit):
 */
struct liblve_settings {
	int32_t ls_cpu;        /* % of ls_cpus cores, or with ..._HIRES 10000 = one core */
	int32_t ls_cpus;       /* cores ls_cpu is a percentage of */
	int32_t ls_io;         /* disk bandwidth, KB/s */
	int32_t ls_enters;     /* entry processes */
	int32_t ls_memory;     /* virtual memory, 4 KiB pages: recorded, not enforced */
	int32_t ls_cpu_weight; /* 0..100: accepted, not enforced */
	int32_t ls_memory_phy; /* physical memory, 4 KiB pages */
	int32_t ls_nproc;      /* processes and threads */
	int32_t ls_iops;       /* disk operations per second */
};

/* An LVE's settings and flags (the admin section's lve_info fills one). */
struct liblve_info {
	struct liblve_settings li_set; /* first, as in every version of the API */
	enum liblve_ve_flags li_flags;
};

/* How init_lve() gets and gives back the instance's memory. */
typedef void *(*liblve_alloc)(size_t size);
typedef void (*liblve_free)(void *ptr);

#endif /* _LVE_TYPE_H_ */
