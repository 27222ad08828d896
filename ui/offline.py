"""Start Streamlit with nothing leaving the machine: `python ui/offline.py run app.py [options]`
(what `gnt serve` runs).

Streamlit looks the machine's external IP address up at checkip.amazonaws.com to print an
"External URL" for a server on every interface, and again to judge a connection from another
origin. The project's .streamlit/config.toml names the server (browser.serverAddress), so the
first never happens; this launcher records "no external address" before the server starts, so
the second does not either. Usage statistics are off (browser.gatherUsageStats = false).
"""

from streamlit import net_util
from streamlit.web.cli import main


def no_external_address() -> None:
    """Streamlit's cached answer to the lookup: '' is no address, and it is never asked."""
    net_util._external_ip = ""


if __name__ == "__main__":
    no_external_address()
    main(prog_name="streamlit")
