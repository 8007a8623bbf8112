package jvit.vit.hub;

import jvit.runtime.UserError;

/** A one-line {@link UserError} from talking to the Hub, with what kind of failure it was, so callers can fall back to the cache. */
final class HubError extends UserError {
    enum Kind {
        /** No such repository, or a private one the token cannot read. */
        REPO_NOT_FOUND,
        /** The repository has no such file at that commit ({@link #commit} says which). */
        ENTRY_NOT_FOUND,
        /** No answer: no network, a refused connection, a timeout. */
        UNREACHABLE,
        /** A download broke off; what arrived is kept for the next run to resume. */
        INTERRUPTED,
        /** The Hub answered that it is in trouble (5xx, 429): the cache may serve. */
        SERVER,
        /** Anything else: a bad token, a gated repository, an unknown revision, a bad answer. */
        REFUSED
    }

    final Kind kind;
    final String commit;

    HubError(Kind kind, String message) {
        this(kind, null, message);
    }

    HubError(Kind kind, String commit, String message) {
        super(message);
        this.kind = kind;
        this.commit = commit;
    }

    /** Whether the cache may stand in for the Hub, as {@code huggingface_hub} lets it when the Hub cannot answer. */
    boolean cacheMayServe() {
        return kind == Kind.UNREACHABLE || kind == Kind.SERVER;
    }
}
