#!/usr/bin/env python3
"""OpenCV-Python's trackers on the object-track bench's clip, as an anchor for Tessera's tracker.

usage: track_opencv.py FRAMES.raw WIDTH HEIGHT COUNT BOXES_JSON

FRAMES.raw holds COUNT gray frames of WIDTH x HEIGHT bytes, one after another (what the bench
generates); BOXES_JSON is a list of first-frame boxes [x, y, w, h]. Each tracker (CSRT, KCF, and
MOSSE from cv2.legacy) follows every box from frame 0 on the full-size frame, as a user of
OpenCV would (BGR input made once per frame, outside the clock). Prints one JSON line:
{"trackers": [{"name", "msPerFrame", "boxes": [[per frame [x, y, w, h] or null when lost] per object]}]}.
Install: apt-get install -y python3-opencv python3-numpy (Debian's build has the contrib trackers).
"""
import json
import sys
import time

import cv2
import numpy as np


def main():
    path, w, h, n, boxes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
    gray = np.fromfile(path, dtype=np.uint8).reshape(n, h, w)
    frames = [cv2.cvtColor(g, cv2.COLOR_GRAY2BGR) for g in gray]
    makers = [
        ("CSRT", cv2.TrackerCSRT_create),
        ("KCF", cv2.TrackerKCF_create),
        ("MOSSE", cv2.legacy.TrackerMOSSE_create),
    ]
    out = []
    cv2.setNumThreads(1)
    for name, make in makers:
        trackers = []
        for b in boxes:
            t = make()
            t.init(frames[0], tuple(int(round(v)) for v in b))
            trackers.append(t)
        result = [[list(b)] for b in boxes]
        t0 = time.perf_counter()
        for f in frames[1:]:
            for i, t in enumerate(trackers):
                ok, box = t.update(f)
                result[i].append([float(v) for v in box] if ok else None)
        ms = (time.perf_counter() - t0) * 1000 / max(1, n - 1)
        out.append({"name": name, "msPerFrame": ms, "boxes": result})
    print(json.dumps({"opencv": cv2.__version__, "trackers": out}))


if __name__ == "__main__":
    main()
