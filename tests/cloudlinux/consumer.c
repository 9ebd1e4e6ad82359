/* SPDX-License-Identifier: MIT */
/*
 * consumer.c - a program written for CloudLinux, the way its consumers are:
 * it includes <lve/lve-ctl.h> alone (its other headers come through it, as
 * with CloudLinux's: getuid() from unistd.h, malloc() from stdlib.h) and
 * calls the application API.  It must compile as C99 and as C++ and link
 * against liblve.a or liblve.so unchanged; run, it checks what needs no
 * LVE tree: the versions, the errors that come before any privilege, and
 * CageFS's "disabled".
 */
#include <errno.h>
#include <stdio.h>

#include <lve/lve-ctl.h>

int main(void)
{
	struct liblve *lve = init_lve_generic();
	struct liblve_settings set = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	uint32_t cookie = 0, mask = 0;
	char error[8192] = "";
	int failures = 0;

	if (!lve) {
		fprintf(stderr, "consumer: init_lve: %s\n", strerror(errno));
		return 1;
	}
	failures += lve_get_api_version() != ((uint32_t)LIBLVE_API_MAJOR << 16 | LIBLVE_API_MINOR);
	failures += lve_kapi_ver(lve) == 0;
	failures += lve_enter_flags(lve, 0, &cookie, LVE_NO_MAXENTER) != -EINVAL || errno != EINVAL;
	failures += lve_setup_enter(lve, 0, &set, &cookie, LVE_SILENCE) != -EINVAL;
	failures += lve_enter_flags(lve, getuid() + 1000, NULL, (enum liblve_enter_flags)0) != -EFAULT;
	failures += lve_exit(NULL, &cookie) != -EINVAL || errno != EINVAL;
	failures += lve_exit(lve, NULL) != -EFAULT;
	failures += lve_check_fault(lve, NULL) != -EFAULT;
	failures += is_in_lve(lve) != 0 || lve_enter_fs(lve) != -EINVAL;
	failures += lve_check_fault(lve, &mask) != -ESRCH && lve_check_fault(lve, &mask) != -EPERM;
	failures += jail(NULL, error) != 0 || lve_jail(NULL, error) != 0 ||
		    lve_jail_uid(NULL, SECURELVE_MIN_UID, error) != 0 || lve_namespace_setup(1) != 0;
	failures += destroy_lve(lve) != 0;
	failures += SIZEOF_LIBLVE != sizeof(void *) * 2 + sizeof(int);
	if (failures)
		fprintf(stderr, "consumer: %d unexpected results\n", failures);
	return failures != 0;
}
