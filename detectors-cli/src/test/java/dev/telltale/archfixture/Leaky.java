package dev.telltale.archfixture;

import dev.telltale.archfixture.internal.Hidden;

import java.util.List;

/** An API type that breaks the boundary in each way the boundary test must catch. Test fixture only. */
public class Leaky extends Hidden {
    public Hidden returnsInternal() {
        return new Hidden();
    }

    public void acceptsInternal(Hidden h) {
    }

    public List<Hidden> hidesItInAGeneric() {
        return List.of();
    }

    public Hidden field;

    /** Not API: private members may use anything. */
    private Hidden fine() {
        return new Hidden();
    }
}
