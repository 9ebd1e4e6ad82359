// SPDX-License-Identifier: MIT
using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Lve.Setuid.Tests;

/// <summary>Which program a core file came from: pr_fname of its NT_PRPSINFO note (ELF64, little-endian).</summary>
public static class CoreDump
{
    private const uint NtPrpsinfo = 3;
    private const uint PtNote = 4;

    public static string Command(string path)
    {
        byte[] core = File.ReadAllBytes(path);
        ReadOnlySpan<byte> elf = core;
        if (elf.Length < 64 || !elf[..4].SequenceEqual("\u007fELF"u8) || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException(path + " is not a little-endian ELF64 core file");
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(elf[32..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf[54..]);
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf[56..]);
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> ph = elf[(int)(phoff + (ulong)(i * phentsize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(ph) != PtNote)
                continue;
            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            int size = (int)BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            ReadOnlySpan<byte> notes = elf.Slice(offset, size);
            while (notes.Length >= 12)
            {
                int namesz = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes);
                int descsz = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes[4..]);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[8..]);
                int desc = 12 + Align(namesz);
                if (type == NtPrpsinfo)
                {
                    // struct elf_prpsinfo (64-bit): pr_fname[16] at offset 40
                    ReadOnlySpan<byte> fname = notes.Slice(desc + 40, 16);
                    int end = fname.IndexOf((byte)0);
                    return Encoding.ASCII.GetString(end < 0 ? fname : fname[..end]);
                }
                int next = desc + Align(descsz);
                if (next > notes.Length)
                    break;
                notes = notes[next..];
            }
        }
        throw new InvalidDataException(path + " has no NT_PRPSINFO note");
    }

    private static int Align(int n) => (n + 3) & ~3;
}
