/* SPDX-License-Identifier: MIT */
/*
 * both_headers.c - the original API (<lve-ctl.h>) and CloudLinux's
 * (<lve/lve-ctl.h>) in one program: one struct liblve, no name clash, in
 * either order (BOTH_REVERSED), as C and as C++.  Every function of both is
 * referenced, so the link checks them too.
 */
#ifdef BOTH_REVERSED
#include <lve/lve-ctl.h>
#include <lve-ctl.h>
#else
#include <lve-ctl.h>
#include <lve/lve-ctl.h>
#endif
#include <errno.h>

int main(void)
{
	/* one type: an instance of either API is a struct liblve */
	struct liblve *cl = 0, *seed = 0;
	uint32_t cookie = 0;
	int failures = 0;

	(void)seed;
	failures += lve_create(0) != -EINVAL;
	failures += lve_enter(cl, 0, (uint32_t)-1, (uint32_t)-1, &cookie) != -EINVAL;
	failures += lve_leave(cl, &cookie) != -EINVAL;
	failures += lve_enter_flags(cl, 1, &cookie, LVE_NO_MAXENTER) != -EINVAL;
	failures += lve_exit(cl, &cookie) != -EINVAL;
	failures += lve_instance_init(0) <= 0;
	if (0) {
		/* referenced, not run: they need root and a tree */
		(void)init_lve(0, 0);
		(void)destroy_lve(cl);
		(void)lve_setup_enter(cl, 1, 0, &cookie, LVE_NO_MAXENTER);
		(void)lve_check_fault(cl, &cookie);
		(void)is_in_lve(cl);
		(void)lve_enter_fs(cl);
		(void)lve_kapi_ver(cl);
		(void)lve_get_api_version();
		(void)jail(0, 0);
		(void)lve_jail(0, 0);
		(void)lve_jail_uid(0, 0, 0);
		(void)lve_namespace_setup(0);
		(void)lve_is_available();
		(void)lve_set_default(100, 100);
		(void)lve_destroy(1);
		(void)lve_setup(1, 100, 100);
		(void)lve_instance_destroy(seed);
	}
	return failures != 0;
}
