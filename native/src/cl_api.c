/* SPDX-License-Identifier: MIT */
/*
 * cl_api.c - CloudLinux's application API (lve/lve-ctl.h): the exported
 * functions and the instance.
 *
 * Each function checks what can never be valid (the instance, the id, the
 * pointers), then who may act: root (euid 0) acts itself (cl_local.c); any
 * other caller asks the broker its instance names (cl_broker.c), or gets
 * -EPERM when it has none.  Every failure is reported both ways, -errno and
 * errno, because consumers read errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "cl.h"

/* Everything lives in the bytes CloudLinux's own header copies. */
_Static_assert(offsetof(struct cl_instance, magic) == 8, "the magic at offset 8, as the original API's");
_Static_assert(offsetof(struct cl_instance, broker) + sizeof(int32_t) <= SIZEOF_LIBLVE,
	       "an instance's state within SIZEOF_LIBLVE bytes");

static int fail(int r)
{
	if (r < 0)
		errno = -r;
	return r;
}

static struct cl_instance *instance(struct liblve *lve)
{
	struct cl_instance *inst = (struct cl_instance *)(void *)lve;

	return inst && inst->magic == CL_MAGIC ? inst : NULL;
}

static int valid_id(uint32_t id)
{
	return id >= 1 && id <= LVE_ID_MAX;
}

static int has_broker(const struct cl_instance *inst)
{
	return inst->channel >= 0 && inst->broker > 0;
}

LVE_API struct liblve *init_lve(liblve_alloc alloc, liblve_free release)
{
	struct cl_instance *inst;
	struct lve_host host;
	int r;

	if (!alloc) {
		errno = EINVAL;
		return NULL;
	}
	r = lve_host_discover(&host);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	inst = alloc(sizeof(*inst));
	if (!inst) {
		errno = ENOMEM;
		return NULL;
	}
	memset(inst, 0, sizeof(*inst));
	inst->release = release;
	inst->channel = -1;
	if (geteuid() == 0) {
		struct lve_task self = { getpid(), cl_gettid(), 1 };
		int channel = -1;
		pid_t broker = 0;

		/* From inside an LVE (Passenger's spawn-env-setupper calls it
		 * there, as root) no broker: it would live in that LVE, under its
		 * limits, keeping it from being destroyed; and nothing below the
		 * caller could enter anyway.  Root itself needs none. */
		r = lve_task_inside(&host, &self);
		if (r == 0)
			r = cl_broker_start(&host, &channel, &broker);
		else if (r > 0)
			r = 0;
		if (r < 0) {
			if (release)
				release(inst);
			errno = -r;
			return NULL;
		}
		inst->channel = channel;
		inst->broker = broker;
	}
	inst->magic = CL_MAGIC;
	return (struct liblve *)(void *)inst;
}

LVE_API int destroy_lve(struct liblve *lve)
{
	struct cl_instance *inst = instance(lve);

	if (!inst)
		return fail(-EINVAL);
	if (has_broker(inst)) {
		cl_local_forget(inst->broker);
		/* only if the descriptor is still the rendezvous: the caller may
		 * have closed it and got the number back for something else */
		if (cl_channel_valid(inst->channel, inst->broker))
			close(inst->channel);
	}
	inst->magic = 0;
	inst->channel = -1;
	inst->broker = 0;
	if (inst->release)
		inst->release(inst);
	return 0;
}

/* Enter, with or without settings first. */
static int enter(struct liblve *lve, uint32_t id, const struct liblve_settings *set,
		 uint32_t *cookie, unsigned flags)
{
	struct cl_instance *inst = instance(lve);
	struct cl_request req = { 0 };
	struct cl_reply rep = { 0 };
	int r;

	if (!inst || !valid_id(id))
		return -EINVAL;
	if (!cookie)
		return -EFAULT;
	if (geteuid() == 0)
		return cl_local_enter(id, flags, set, cookie);
	if (!has_broker(inst))
		return -EPERM;
	req.op = CL_OP_ENTER;
	req.id = id;
	req.flags = flags;
	if (set) {
		req.has_settings = 1;
		req.settings = *set;
	}
	r = cl_local_call(inst, &req, &rep);
	if (r == 0)
		*cookie = rep.value;
	return r;
}

LVE_API int lve_enter_flags(struct liblve *lve, uint32_t lve_id, uint32_t *cookie,
			    enum liblve_enter_flags flags)
{
	return fail(enter(lve, lve_id, NULL, cookie, (unsigned)flags));
}

LVE_API int lve_setup_enter(struct liblve *lve, uint32_t ve_id, struct liblve_settings *set,
			    uint32_t *cookie, enum liblve_enter_flags flags)
{
	struct lve_limits lim;
	uint32_t mask;
	int64_t vmem;

	if (!instance(lve) || !valid_id(ve_id))
		return fail(-EINVAL);
	if (!set || !cookie)
		return fail(-EFAULT);
	/* a value that can never be valid is refused before anything */
	if (cl_settings_limits(set, &lim, &mask, &vmem) < 0)
		return fail(-ERANGE);
	return fail(enter(lve, ve_id, set, cookie, (unsigned)flags));
}

LVE_API int lve_exit(struct liblve *lve, uint32_t *cookie)
{
	struct cl_instance *inst = instance(lve);
	struct cl_request req = { 0 };
	struct cl_reply rep = { 0 };

	if (!inst)
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (geteuid() == 0)
		return fail(cl_local_exit(*cookie));
	/* entered as root, then dropped privileges: nothing here can move it
	 * back, and it did enter, so it must not be killed */
	if (cl_local_entered())
		return fail(-EPERM);
	if (!has_broker(inst))
		return fail(-EPERM);
	req.op = CL_OP_EXIT;
	req.cookie = *cookie;
	return fail(cl_local_call(inst, &req, &rep));
}

LVE_API int lve_check_fault(struct liblve *lve, uint32_t *failmask)
{
	struct cl_instance *inst = instance(lve);
	struct cl_request req = { 0 };
	struct cl_reply rep = { 0 };
	int r;

	if (!inst)
		return fail(-EINVAL);
	if (!failmask)
		return fail(-EFAULT);
	if (geteuid() == 0)
		return fail(cl_local_fault(failmask));
	if (!has_broker(inst))
		return fail(-EPERM);
	req.op = CL_OP_FAULT;
	r = cl_local_call(inst, &req, &rep);
	if (r == 0)
		*failmask = rep.value;
	return fail(r);
}

LVE_API int is_in_lve(struct liblve *lve)
{
	struct cl_instance *inst = instance(lve);
	struct cl_request req = { 0 };
	struct cl_reply rep = { 0 };
	struct lve_host host;
	struct lve_task task;
	int r;

	if (!inst)
		return fail(-EINVAL);
	if (geteuid() == 0)
		return fail(cl_local_inside());
	if (has_broker(inst)) {
		req.op = CL_OP_INSIDE;
		r = cl_local_call(inst, &req, &rep);
		return r == 0 ? (int)rep.value : fail(r);
	}
	/* no right to read the tree's records: where it is tells enough */
	r = lve_host_discover(&host);
	if (r < 0)
		return fail(r);
	task.pid = getpid();
	task.tid = cl_gettid();
	task.thread_only = 1;
	return cl_path_inside(&host, &task);
}

LVE_API int lve_enter_fs(struct liblve *lve)
{
	int r = is_in_lve(lve);

	if (r < 0)
		return r; /* errno is set */
	return r ? 0 : fail(-EINVAL);
}

LVE_API uint32_t lve_kapi_ver(struct liblve *lve)
{
	(void)lve;
	return CL_API_VERSION;
}

LVE_API uint32_t lve_get_api_version(void)
{
	return CL_API_VERSION;
}
