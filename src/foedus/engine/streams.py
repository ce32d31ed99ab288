"""Counter-based random streams: a uniform is a pure function of (seed, stream, month, run, slot).

Why counter-based: a run's draws must not depend on which other runs share its chunk (results are
identical whatever the chunk size or executor), a what-if variant must see the same exogenous
draws as the baseline (common random numbers), and the engine should draw only what it needs
(votes for the few requests of a month) without shifting any other draw.

Scheme. ``stream_key(seed, name) = SeedSequence(seed, spawn_key=(crc32(name),)).generate_state(1)``:
one independent key per named stream (Starsim's named streams), rooted in the SeedSequence of the
seed. For a month ``m`` (absolute calendar month index), run ``r`` (global run number) and slot
``k`` (a stable code of what is drawn: a crisis source, a state, a vote), the uniform is

    x_r = mix(mix(key + m * G) + r * G)          (one SplitMix64 state per run and month)
    u   = (mix(x_r + k * G2) >> 11) * 2^-53     (a SplitMix64 sequence over slots)

where ``mix`` is the SplitMix64 finaliser (Steele, Lea & Flood 2014; passes BigCrush). Slots are
CRC32 codes of names (``"ARM|armed_attack|AZE"``), so adding a crisis source to a variant shifts no
other draw."""

from __future__ import annotations

import zlib

import numpy as np

_G = np.uint64(0x9E3779B97F4A7C15)
_G2 = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_SCALE = 2.0 ** -53


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = (x ^ (x >> _S30)) * _M1
        x = (x ^ (x >> _S27)) * _M2
        return x ^ (x >> _S31)


def _mix_inplace(x: np.ndarray) -> np.ndarray:
    t = np.empty_like(x)
    np.right_shift(x, _S30, out=t); np.bitwise_xor(x, t, out=x); np.multiply(x, _M1, out=x)
    np.right_shift(x, _S27, out=t); np.bitwise_xor(x, t, out=x); np.multiply(x, _M2, out=x)
    np.right_shift(x, _S31, out=t); np.bitwise_xor(x, t, out=x)
    return x


def code(name: str) -> int:
    """A stable slot code for a name."""
    return zlib.crc32(name.encode())


def stream_key(seed: int, name: str) -> np.uint64:
    return np.uint64(np.random.SeedSequence(seed, spawn_key=(code(name),)).generate_state(1, np.uint64)[0])


_MASK = (1 << 64) - 1


def _mix_int(x: int) -> int:
    """:func:`_mix` of one number, in Python integers modulo 2**64 (the same bits)."""
    x = ((x ^ (x >> 30)) * int(_M1)) & _MASK
    x = ((x ^ (x >> 27)) * int(_M2)) & _MASK
    return x ^ (x >> 31)


def run_states(key: np.uint64, month: int, runs: np.ndarray) -> np.ndarray:
    """Per-run SplitMix64 states for one month, shape (runs,). The month's state is one number,
    mixed in Python integers (numpy's scalar arithmetic is slower and warns on the wrap-around)."""
    h = np.uint64(_mix_int((int(key) + int(month) * int(_G)) & _MASK))
    with np.errstate(over="ignore"):
        return _mix(h + np.asarray(runs, dtype=np.uint64) * _G)


def uniforms(states: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Uniforms in [0, 1), shape broadcast(states[:, None], slots): ``states`` from :func:`run_states`
    (or indexed from it for a subset of runs), ``slots`` uint64 codes; slots of shape (S,) give (R, S);
    slots of shape (R, S) give one row per state."""
    st = np.asarray(states, dtype=np.uint64)
    sl = np.asarray(slots, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = st[:, None] + sl * _G2 if sl.ndim <= 1 else st[:, None] + sl * _G2
    x = _mix_inplace(np.ascontiguousarray(x))
    np.right_shift(x, _S11, out=x)
    u = x.astype(np.float64)
    u *= _SCALE
    return u
