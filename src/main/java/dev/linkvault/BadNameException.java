package dev.linkvault;

/** A name from a source that cannot be written safely; a per-file error, never fatal. */
public class BadNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String shownPath;

    public BadNameException(String shownPath, String why) {
        super("unsafe name '" + shownPath + "': " + why);
        this.shownPath = shownPath;
    }

    public String shownPath() {
        return shownPath;
    }
}
