/* SPDX-License-Identifier: MIT */
/*
 * cl_cagefs.c - CloudLinux's CageFS entry points.  There is no CageFS
 * here; each answers as CloudLinux's do where CageFS is disabled (0), so
 * that programs which look them up (Passenger's agent insists on `jail`)
 * run.  In a file of their own: a static link pulls them in only for a
 * program that calls them, so a program with a `jail` of its own keeps it.
 */
#include "cl.h"

LVE_API int jail(struct passwd *pw, char *error_str)
{
	(void)pw;
	(void)error_str;
	return 0;
}

LVE_API int lve_jail(struct passwd *pw, char *error_str)
{
	(void)pw;
	(void)error_str;
	return 0;
}

LVE_API int lve_jail_uid(struct passwd *pw, unsigned int min_uid, char *error_str)
{
	(void)pw;
	(void)min_uid;
	(void)error_str;
	return 0;
}

LVE_API int lve_namespace_setup(unsigned int lve_id)
{
	(void)lve_id;
	return 0;
}
