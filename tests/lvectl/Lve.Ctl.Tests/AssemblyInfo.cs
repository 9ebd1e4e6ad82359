// SPDX-License-Identifier: MIT
// lvectl is a Linux program; so are its tests.  The tests that use cgroups
// share one tree per run and run one at a time (Support/LveTree.cs).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
