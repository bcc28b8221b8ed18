"""What a call leaves behind for its operators: spans, log records, hook calls."""
