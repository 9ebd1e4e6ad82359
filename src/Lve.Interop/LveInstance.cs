// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Lve.Interop;

/// <summary>
/// A liblve instance (struct liblve): memory of the size
/// lve_instance_init(NULL) asks for, initialised once, and destroyed and
/// freed exactly once when the handle is released.  Entering and leaving go
/// through it.
/// </summary>
public sealed unsafe class LveInstance : SafeHandle
{
    /// <summary>lve_instance_init: allocate and initialise an instance.</summary>
    public LveInstance()
        : base(IntPtr.Zero, ownsHandle: true)
    {
        int size = Liblve.lve_instance_init(null);
        if (size <= 0)
            throw new NativeCallException("lve_instance_init(NULL)", size < 0 ? -size : Errno.EINVAL);
        void* memory = NativeMemory.AllocZeroed((nuint)size);
        int r = Liblve.lve_instance_init(memory);
        if (r < 0)
        {
            // never initialised: free it here, and leave the handle invalid so
            // that release does not destroy it
            NativeMemory.Free(memory);
            SetHandleAsInvalid();
            throw new NativeCallException("lve_instance_init", -r);
        }
        SetHandle((IntPtr)memory);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>
    /// lve_enter: move this process (all its threads) into LVE
    /// <paramref name="id"/>, creating it with the defaults if need be.
    /// </summary>
    public LveCookie Enter(uint id)
    {
        uint cookie = 0;
        bool added = false;
        int r;
        try
        {
            AddRef(ref added);
            r = Liblve.lve_enter((void*)handle, id, Liblve.Unused, Liblve.Unused, &cookie);
        }
        finally
        {
            if (added)
                DangerousRelease();
        }
        Liblve.Check(r, "lve_enter(" + LveHost.Text(id) + ")");
        return new LveCookie(id, cookie);
    }

    /// <summary>lve_leave: back to exactly the cgroups the process was in before <see cref="Enter"/>.</summary>
    public void Leave(LveCookie cookie)
    {
        uint value = cookie.Value;
        bool added = false;
        int r;
        try
        {
            AddRef(ref added);
            r = Liblve.lve_leave((void*)handle, &value);
        }
        finally
        {
            if (added)
                DangerousRelease();
        }
        Liblve.Check(r, "lve_leave(" + LveHost.Text(cookie.LveId) + ")");
    }

    /// <summary>
    /// lve_leave for a process that forked <paramref name="heir"/> inside the
    /// LVE and must not stay there itself (lverun's session path): the entry
    /// goes to the heir, so the LVE's entry limit counts it until it ends.
    /// Only in programs that link liblve.a (it is not in liblve.so.0).
    /// </summary>
    internal void LeaveHandingOver(LveCookie cookie, int heir)
    {
        uint value = cookie.Value;
        int r;
        using (Held held = Hold())
            r = Liblve.lve_leave_handing_over(held.Instance, &value, heir);
        Liblve.Check(r, "lve_leave(" + LveHost.Text(cookie.LveId) + ")");
    }

    /// <summary>lve_limits_get: the limits of LVE <paramref name="id"/> and those this host cannot enforce.</summary>
    public LveLimitsApplied GetLimits(uint id)
    {
        Liblve.Limits native = default;
        uint unenforced = 0;
        using (Held held = Hold())
            Liblve.Check(Liblve.lve_limits_get(held.Instance, id, &native, &unenforced), "lve_limits_get(" + LveHost.Text(id) + ")");
        return new LveLimitsApplied(LveLimits.FromNative(native), Unenforced(unenforced));
    }

    /// <summary>
    /// lve_limits_set: set the limits <paramref name="limits"/> names (the
    /// others stay), making the LVE with them if it does not exist.  Returns
    /// the limits this host cannot enforce (recorded all the same).
    /// </summary>
    public IReadOnlyList<LveLimit> SetLimits(uint id, LveLimits limits)
    {
        Liblve.Limits native = limits.ToNative();
        uint unenforced = 0;
        using (Held held = Hold())
            Liblve.Check(Liblve.lve_limits_set(held.Instance, id, &native, limits.Mask, &unenforced),
                "lve_limits_set(" + LveHost.Text(id) + ")");
        return Unenforced(unenforced);
    }

    /// <summary>lve_defaults_get: the limits a new LVE of this tree gets.</summary>
    public LveLimits GetDefaults()
    {
        Liblve.Limits native = default;
        using (Held held = Hold())
            Liblve.Check(Liblve.lve_defaults_get(held.Instance, &native), "lve_defaults_get");
        return LveLimits.FromNative(native);
    }

    /// <summary>lve_defaults_set: change the defaults <paramref name="limits"/> names.</summary>
    public void SetDefaults(LveLimits limits)
    {
        Liblve.Limits native = limits.ToNative();
        using (Held held = Hold())
            Liblve.Check(Liblve.lve_defaults_set(held.Instance, &native, limits.Mask), "lve_defaults_set");
    }

    /// <summary>lve_list: the ids of every LVE of this tree, ascending.</summary>
    public IReadOnlyList<uint> List()
    {
        uint[] ids = new uint[256];
        for (;;)
        {
            int count;
            fixed (uint* buffer = ids)
            {
                using Held held = Hold();
                count = Liblve.Check(Liblve.lve_list(held.Instance, buffer, (nuint)ids.Length), "lve_list");
            }
            if (count <= ids.Length)
                return new ArraySegment<uint>(ids, 0, count);
            ids = new uint[count + count / 4];
        }
    }

    /// <summary>lve_usage_get: what LVE <paramref name="id"/> uses now, and its faults.</summary>
    public LveUsage Usage(uint id)
    {
        Liblve.Usage native = default;
        using (Held held = Hold())
            Liblve.Check(Liblve.lve_usage_get(held.Instance, id, &native), "lve_usage_get(" + LveHost.Text(id) + ")");
        return LveUsage.FromNative(native);
    }

    private static IReadOnlyList<LveLimit> Unenforced(uint bits)
    {
        var list = new List<LveLimit>();
        foreach (LveLimit limit in LveLimit.All)
            if ((bits & LveLimits.Bit(limit)) != 0)
                list.Add(limit);
        return list;
    }

    /// <summary>The instance, kept alive until disposed.</summary>
    private readonly ref struct Held
    {
        private readonly LveInstance owner;

        internal Held(LveInstance owner)
        {
            this.owner = owner;
            Instance = (void*)owner.handle;
        }

        internal void* Instance { get; }

        public void Dispose() => owner.DangerousRelease();
    }

    private Held Hold()
    {
        bool added = false;
        AddRef(ref added);
        return new Held(this);
    }

    /// <summary>Keep the instance alive (and refuse a released one) for the call that follows.</summary>
    private void AddRef(ref bool added)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        DangerousAddRef(ref added);
    }

    protected override bool ReleaseHandle()
    {
        int r = Liblve.lve_instance_destroy((void*)handle);
        NativeMemory.Free((void*)handle);
        return r == 0;
    }
}
