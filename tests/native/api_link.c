/*
 * api_link.c - a program written only from the nine declarations of
 * lve-ctl.h, the way web-server modules and suexec use the API.  It must
 * compile (C99, C++) and link against liblve.a or liblve.so unchanged; run
 * without privileges or an LVE tree it exercises only what needs neither.
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

	if (size <= 0) {
		fprintf(stderr, "lve_instance_init(NULL) = %d\n", size);
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
	free(lve);
	if (failures)
		fprintf(stderr, "api_link: %d unexpected results\n", failures);
	return failures != 0;
}
