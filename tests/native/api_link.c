/* SPDX-License-Identifier: MIT */
/*
 * api_link.c - a program written only from the declarations of lve-ctl.h,
 * the way web-server modules and suexec use the API.  It must compile (C99,
 * C++) and link against liblve.a or liblve.so unchanged; run without
 * privileges or an LVE tree it exercises only what needs neither.  The
 * instance a caller allocates must stay small: every process of a web
 * server may keep one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <lve-ctl.h>

int main(void)
{
	int size = lve_instance_init(NULL);
	struct liblve *lve;
	uint32_t cookie = 0;
	int failures = 0;

	if (size <= 0 || size > 4096) {
		fprintf(stderr, "lve_instance_init(NULL) = %d, want 1..4096\n", size);
		return 1;
	}
	lve = (struct liblve *)malloc((size_t)size);
	if (!lve)
		return 1;
	/* every entry point is referenced; the invalid ids touch nothing */
	failures += lve_create(0) != -EINVAL || errno != EINVAL;
	failures += lve_destroy(0) != -EINVAL;
	failures += lve_setup(0, 10, 10) != -EINVAL;
	failures += lve_set_default(100001, 100) != -EINVAL;
	if (lve_instance_init(lve) == 0) {
		failures += lve_enter(lve, 0, (uint32_t)-1, (uint32_t)-1, &cookie) != -EINVAL;
		failures += lve_leave(lve, NULL) != -EFAULT;
		failures += lve_instance_destroy(lve) != 0;
	}
	(void)lve_is_available();
	{
		struct lve_limits lim;
		struct lve_usage usage;
		const struct lve_limit_info *info = lve_limit_info(LVE_LIMIT_SPEED);

		lim.value[LVE_LIMIT_SPEED] = 0;
		failures += !info || lve_limit_info(LVE_LIMIT_COUNT) != NULL;
		failures += lve_limits_get(NULL, 0, &lim, NULL) != -EINVAL;
		failures += lve_limits_set(NULL, 1, &lim, LVE_LIMIT_BIT(LVE_LIMIT_SPEED), NULL) != -EINVAL;
		failures += lve_defaults_get(NULL, &lim) != -EINVAL;
		failures += lve_defaults_set(NULL, &lim, 0) != -EINVAL;
		failures += lve_list(NULL, NULL, 0) != -EINVAL;
		failures += lve_usage_get(NULL, 1, &usage) != -EINVAL;
	}
	free(lve);
	if (failures)
		fprintf(stderr, "api_link: %d unexpected results\n", failures);
	return failures != 0;
}
