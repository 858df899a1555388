package dev.telltale.core;

/**
 * Hears how far a long run has got, so that a person waiting for a one-shot check sees it move (the
 * command line prints it on a terminal only). Called from detector threads; must return at once.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = (detector, target, done, total, unit) -> {
    };

    /**
     * @param done  how many of {@code total} {@code unit} (keys, tables) the run has looked at so far
     * @param total how many there are, as far as the run knows; 0 when unknown
     */
    void update(String detector, String target, long done, long total, String unit);
}
