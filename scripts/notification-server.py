#!/usr/bin/python3
"""A notification daemon for tests that records what it is asked to show.

It owns org.freedesktop.Notifications on the session bus and answers the calls a client
makes (Notify, CloseNotification, GetCapabilities, GetServerInformation). Every Notify call
is appended to the record file given as the first argument, one JSON object per line, and
flushed at once so that a test can read it while the server keeps running. Once the name is
owned it prints "ready" on standard output, which is what scripts/session waits for.

Run it with Debian's /usr/bin/python3: it needs the dbus and gi modules, which the pyenv
interpreter on PATH does not have.
"""

import json
import signal
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

RECORDER_NAME = "ru.kabinet.NotificationRecorder"
BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"

# Reason code 3 in the specification: the notification was closed by a CloseNotification call.
CLOSED_BY_CALL = 3


def plain(value):
    """Turns a D-Bus value into something JSON can hold; binary data keeps only its length."""
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16,
                          dbus.UInt32, dbus.UInt64)):
        return int(value)
    if isinstance(value, dbus.Double):
        return float(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath, str)):
        return str(value)
    if isinstance(value, (dbus.Array, dbus.Struct, list, tuple)):
        return {"length": len(value)}
    return type(value).__name__


class RecordingServer(dbus.service.Object):
    """The org.freedesktop.Notifications interface, writing each notification to a file."""

    def __init__(self, bus, record):
        super().__init__(bus, OBJECT_PATH)
        self.record = record
        self.last_id = 0

    @dbus.service.method(BUS_NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, timeout):
        if replaces_id:
            notification_id = int(replaces_id)
        else:
            self.last_id += 1
            notification_id = self.last_id
        entry = {
            "id": notification_id,
            "app_name": str(app_name),
            "replaces_id": int(replaces_id),
            "app_icon": str(app_icon),
            "summary": str(summary),
            "body": str(body),
            "actions": [str(action) for action in actions],
            "hints": {str(key): plain(value) for key, value in hints.items()},
            "expire_timeout": int(timeout),
            "timestamp": time.time(),
        }
        self.record.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.record.flush()
        return dbus.UInt32(notification_id)

    @dbus.service.method(BUS_NAME, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        self.NotificationClosed(notification_id, CLOSED_BY_CALL)

    @dbus.service.method(BUS_NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body", "actions"]

    @dbus.service.method(BUS_NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("kabinet-recording-server", "Kabinet", "1.0", "1.2")

    @dbus.service.signal(BUS_NAME, signature="uu")
    def NotificationClosed(self, notification_id, reason):
        pass

    @dbus.service.signal(BUS_NAME, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass

    # Plays a person clicking a notification ("default") or one of its actions, for tests:
    #   dbus-send --session --dest=org.freedesktop.Notifications /org/freedesktop/Notifications \
    #     ru.kabinet.NotificationRecorder.Click uint32:ID string:default
    @dbus.service.method(RECORDER_NAME, in_signature="us", out_signature="")
    def Click(self, notification_id, action_key):
        self.ActionInvoked(notification_id, action_key)


def main():
    if len(sys.argv) != 2:
        print("usage: notification-server.py RECORD_FILE", file=sys.stderr)
        return 2

    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)

    with open(sys.argv[1], "a", encoding="utf-8") as record:
        server = RecordingServer(bus, record)
        # Refuse to queue behind another daemon: a test must talk to this server or fail.
        name = dbus.service.BusName(BUS_NAME, bus, do_not_queue=True)
        print("ready", flush=True)
        loop.run()
        del name, server
    return 0


if __name__ == "__main__":
    sys.exit(main())
