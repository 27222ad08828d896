"""Who is using the app: on a shared server a login form until the password is right; locally
the account running the app. The server mode follows the address Streamlit listens on."""

from __future__ import annotations

import getpass
import time
from pathlib import Path

import streamlit as st

from gnt_core.store.access import check_password, data_roots, has_users, is_loopback
from ui.text import plain

FAILED_LOGIN_DELAY_S = 1.0


def address() -> str:
    return str(st.get_option("server.address") or "")


def shared() -> bool:
    """True when the app listens on an address other machines can reach."""
    return not is_loopback(address())


def require_user() -> str:
    """The user's name. Shared mode: a login form, and nothing else, until it succeeds."""
    if not shared():
        return getpass.getuser()
    if st.session_state.get("user"):
        return st.session_state["user"]
    st.title("GNT Explorer")
    if not has_users():
        st.error(f"This server listens on {plain(address() or 'every interface')} and has no "
                 "users, so it serves nothing. The administrator creates them with "
                 "`gnt add-user NAME` (or serves on 127.0.0.1 only).")
        st.stop()
    with st.form("login"):
        name = st.text_input("User name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Log in", type="primary"):
            if check_password(name.strip(), password):
                st.session_state["user"] = name.strip()
                st.rerun()
            time.sleep(FAILED_LOGIN_DELAY_S)
            st.error("Wrong user name or password.")
    st.stop()


def folder_roots() -> list[Path] | None:
    """Where server folders may be opened from: anywhere locally, the data roots when shared."""
    return data_roots() if shared() else None
