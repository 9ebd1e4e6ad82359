// SPDX-License-Identifier: MIT
// lverun and liblve are Linux programs; so are their tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
