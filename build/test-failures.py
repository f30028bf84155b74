#!/usr/bin/env python3
"""Prints the failed tests of the .trx files under a folder, one block per test, every line prefixed with [tf].

`./tf test` calls it when `dotnet test` fails: the runner's own output puts a failure's message far above the
summary, and a log reader that keeps only the summary lines would see which test failed but not why.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ElementTree

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MAX_LINES = 12


def failures(path):
    root = ElementTree.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS)
        trace = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS)
        # Our frames say where; the framework's around them rarely do.
        ours = [l.strip() for l in trace.splitlines() if "TransferFunctions." in l][:4]
        yield result.get("testName"), result.get("duration"), message.strip().splitlines()[:MAX_LINES], ours


def main(folder):
    count = 0
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.trx"), recursive=True)):
        for name, duration, message, frames in failures(path):
            count += 1
            print(f"[tf] FAILED {name} (after {duration})")
            for line in message + frames:
                print(f"[tf]   {line}")
    if count:
        print(f"[tf] {count} test(s) failed; the .trx files are in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
