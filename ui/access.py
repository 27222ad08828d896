"""Who is using the app: signed in through the institution's provider when [auth] is configured
(single sign-on, docs/sso.md); on a shared server otherwise a login form until the password is
right; locally the account running the app. The server mode follows the address Streamlit
listens on, and decides whether server paths may be shown."""

from __future__ import annotations

import getpass
import time
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from gnt_core.io import GntInputError
from gnt_core.store.access import (
    check_password,
    data_roots,
    has_users,
    hide_server_paths,
    may_see_server_paths,
    serves_others,
    sso_providers,
)
from ui.text import plain

FAILED_LOGIN_DELAY_S = 1.0


def address() -> str:
    return str(st.get_option("server.address") or "")


def providers() -> dict[str, str]:
    """The single sign-on providers of .streamlit/secrets.toml, name -> label ({} when none)."""
    try:
        return sso_providers(st.secrets.get("auth") or {})
    except StreamlitSecretNotFoundError:
        return {}
    except GntInputError as err:  # an incomplete [auth]: say which key, serve nothing
        st.error(plain(err))
        st.stop()


def shared() -> bool:
    """True when people other than the one at this machine use the app."""
    return serves_others(address(), bool(providers()))


def require_user() -> str:
    """The user's name. Single sign-on or shared mode: a sign-in, and nothing else, until it
    succeeds."""
    if providers():
        return _signed_in_through(providers())
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


def _signed_in_through(choices: dict[str, str]) -> str:
    """The signed-in user's e-mail (else name); until then only the provider buttons."""
    if st.user.get("is_logged_in"):
        return str(st.user.get("email") or st.user.get("name") or st.user.get("sub"))
    st.title("GNT Explorer")
    st.write("Sign in with your institution's account to use this server.")
    for name, label in choices.items():
        st.button(f"Sign in with {label}", key=f"sso-{name}", type="primary", on_click=st.login,
                  args=(None if name == "default" else name,))
    st.stop()


def account() -> None:
    """Who is signed in, and a button to log out (in the sidebar); nothing for a local app."""
    if not shared():
        return
    st.caption("Signed in as")
    st.text(require_user())
    if st.button("Log out", key="logout", icon=":material/logout:"):
        st.session_state.clear()  # the next user of this browser starts afresh
        if providers():
            st.logout()
        st.rerun()


def may_see_paths() -> bool:
    return may_see_server_paths(address(), bool(providers()))


def shown(text: object) -> str:
    """`text` as this session may see it: without absolute server paths for a remote user."""
    return str(text) if may_see_paths() else hide_server_paths(str(text), data_roots())


def folder_roots() -> list[Path] | None:
    """Where server folders may be opened from: anywhere locally, the data roots when shared."""
    return data_roots() if shared() else None
