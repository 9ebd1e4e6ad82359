// SPDX-License-Identifier: MIT
// lvectl runs on Linux only: cgroups, liblve and the Unix file modes it sets.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
