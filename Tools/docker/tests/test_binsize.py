"""Tools/docker/binsize.py: the parsing of objdump/nm output and the breakdown."""
import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("binsize", Path(__file__).resolve().parents[1] / "binsize.py")
binsize = importlib.util.module_from_spec(spec)
spec.loader.exec_module(binsize)

OBJDUMP = """
x:     file format elf64-x86-64

Sections:
Idx Name          Size      VMA               LMA               File off  Algn
 13 .text         00001000  0000000000401000  0000000000401000  00001000  2**4
                  CONTENTS, ALLOC, LOAD, READONLY, CODE
 15 .rodata       00000800  0000000000402000  0000000000402000  00002000  2**5
 30 .debug_info   00000100  0000000000000000  0000000000000000  00003000  2**0
 31 .symtab       00000200  0000000000000000  0000000000000000  00003100  2**3
 32 .strtab       00000300  0000000000000000  0000000000000000  00003300  2**0
"""
NM = "0000000000402000 0000000000000400 R icudt74_dat\n0000000000401000 0000000000000010 T main\n"


def test_sections_and_icu():
    assert binsize.sections(OBJDUMP) == {".text": 0x1000, ".rodata": 0x800, ".debug_info": 0x100, ".symtab": 0x200,
                                         ".strtab": 0x300}
    assert binsize.icu_bytes(NM) == 0x400


def test_breakdown_adds_up():
    parts = binsize.breakdown(0x3600, 0x3000, binsize.sections(OBJDUMP), 0x400)
    assert parts["symbols"] == 0x600 and parts["code"] == 0x1000 and parts["icu"] == 0x400
    assert parts["symbols"] + parts["icu"] + parts["code"] + parts["other"] == 0x3600
