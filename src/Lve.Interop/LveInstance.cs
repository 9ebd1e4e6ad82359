using System;
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
