#!/usr/bin/python3
"""Print the reference values tests/test_colormap.c hard-codes, computed apart
from src/render/colormap.c: OKLab from Ottosson's published matrices in numpy,
the xterm palette from its definition (a 6x6x6 cube on levels 0, 95, 135, 175,
215, 255, and the greys 8 + 10i), nearest colours by brute force over indices
16..255 (squared Euclidean distance in OKLab; ties to the lower index, as
numpy's argmin), and for contrast the nearest in plain RGB.

Run from the top of the tree with Debian's python3 (numpy):

    /usr/bin/python3 tests/gen_colormap_refs.py

The map stops (viridis sampled at k/32 from matplotlib's table, ColorBrewer
RdBu 9 classes) are the published ones, the same as colormap.c's; the ramps
between them are linear in sRGB rounded to 8 bits, as colormap.c draws them.
"""
import numpy as np

def linear(c):
    c = np.asarray(c, float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)

def oklab(rgb):
    r, g, b = linear(np.atleast_2d(rgb)).T
    l = np.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
    m = np.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
    s = np.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    return np.stack([0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
                     1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
                     0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s], -1)

def split(h):
    return np.array([(h >> 16) & 255, (h >> 8) & 255, h & 255])

levels = [0, 95, 135, 175, 215, 255]
palette = np.array([[levels[k // 36], levels[k // 6 % 6], levels[k % 6]] for k in range(216)] +
                   [[8 + 10 * i] * 3 for i in range(24)])
palette_lab = oklab(palette)

def nearest(h):
    return 16 + int(np.argmin(((palette_lab - oklab(split(h))) ** 2).sum(1)))

def nearest_rgb(h):
    return 16 + int(np.argmin(((palette - split(h)) ** 2).sum(1)))

ansi = [0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5]
ansi_names = ['BLACK', 'RED', 'GREEN', 'YELLOW', 'BLUE', 'MAGENTA', 'CYAN', 'WHITE']

def nearest_ansi(h):
    d = ((oklab(np.array([split(a) for a in ansi])) - oklab(split(h))) ** 2).sum(1)
    return ansi_names[int(np.argmin(d))]

viridis = [0x440154, 0x470d60, 0x48186a, 0x482374, 0x472d7b, 0x453681, 0x424086, 0x3f4989,
           0x3b528b, 0x375a8d, 0x33638d, 0x2f6a8e, 0x2c728e, 0x297a8e, 0x26818e, 0x23898e,
           0x21908c, 0x1f988b, 0x1f9f88, 0x21a685, 0x28ae80, 0x31b57b, 0x3ebc74, 0x4cc26c,
           0x5dc963, 0x6ece58, 0x82d34c, 0x96d83f, 0xabdc32, 0xc0df24, 0xd5e21a, 0xeae51a,
           0xfde725]
rdbu = [0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b]

def ramp(stops, t):
    f = t * (len(stops) - 1)
    i = min(int(f), len(stops) - 2)
    f -= i
    a, z = split(stops[i]).astype(float), split(stops[i + 1]).astype(float)
    c = np.floor(a + (z - a) * f + 0.5).astype(int)
    return int(c[0]) << 16 | int(c[1]) << 8 | int(c[2])

print('OKLab (L, a, b):')
for h in [0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x808080, 0x56b4e9]:
    print('  0x%06x  %.6f %.6f %.6f' % ((h,) + tuple(oklab(split(h))[0])))
print('nearest xterm colour in OKLab (and in RGB):')
for h in viridis[::8] + rdbu + [0x56b4e9, 0xe69f00, 0x009e73, 0xd55e00, 0xcc79a7, 0x0072b2, 0xf0e442]:
    print('  0x%06x  %3d  (%3d)' % (h, nearest(h), nearest_rgb(h)))
print('nearest of the eight ANSI colours:')
for h in [0x000000, 0xffffff, 0xff0000, 0x56b4e9, 0xe69f00, 0x440154, 0xfde725]:
    print('  0x%06x  %s' % (h, nearest_ansi(h)))
for name, stops in [('viridis', viridis), ('RdBu', rdbu)]:
    seq = [nearest(ramp(stops, k / 64)) for k in range(65)]
    runs = [x for i, x in enumerate(seq) if i == 0 or seq[i - 1] != x]
    print('%s at k/64, k = 0..64, nearest xterm colours in order: %s' % (name, ', '.join(map(str, runs))))
