package dev.linkvault.restore;

import dev.linkvault.UserError;
import dev.linkvault.BadNameException;
import dev.linkvault.RelPath;

/** {@code NAME[:PATH]}: a snapshot and a path inside it, as typed on the command line. */
public record SnapshotRef(String snapshot, RelPath path) {
    public static SnapshotRef parse(String text) {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String path = colon < 0 ? "" : text.substring(colon + 1);
        if (name.isEmpty()) {
            throw new UserError("'" + text + "' names no snapshot; write SNAPSHOT or SNAPSHOT:path, for example 2026-11-21:docs/a.txt");
        }
        try {
            return new SnapshotRef(name, RelPath.parse(path));
        } catch (BadNameException e) {
            throw new UserError("'" + text + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return path.isRoot() ? snapshot : snapshot + ":" + path;
    }
}
