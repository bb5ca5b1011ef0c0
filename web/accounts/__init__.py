"""Users over HTTP: signing in and out, sessions, a manager's approval, users and the audit log."""
