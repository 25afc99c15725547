"""One browser tab over Streamlit's websocket (`/_stcore/stream`), speaking its protobuf messages.

A tab sends what the browser sends: a `rerun_script` BackMsg carrying the state of every widget
on the page (and the fragment id when the changed widget lives in an `st.fragment`), then reads
ForwardMsgs until the run finishes. It keeps widget values the way the browser does: a widget's
value comes from the server when it is first drawn or set from session state, otherwise the tab
keeps what it last sent.
"""

import asyncio
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ProtocolError(Exception):
    """The server answered something a browser could not draw: an exception, a compile error, a lost run."""


@dataclass
class Run:
    """What one rerun drew: elements in order (type, proto, fragment id), the address's query, timing."""

    elements: list[tuple[str, object, str]] = field(default_factory=list)
    query: str | None = None
    status: int | None = None
    seconds: float = 0.0

    def texts(self) -> list[str]:
        """Every text the run drew (markdown, headings, metric labels and values, alerts, code)."""
        out = []
        for kind, element, _ in self.elements:
            if kind == "metric":
                out.append(f"{element.label}: {element.body}")
            elif kind in ("markdown", "heading", "alert", "code", "text"):
                out.append(element.body if kind != "code" else element.code_text)
        return out

    def metric(self, label: str) -> str | None:
        return next((e.body for kind, e, _ in self.elements if kind == "metric" and e.label == label), None)

    def find(self, kind: str) -> list:
        return [e for k, e, _ in self.elements if k == kind]


def widget_key(widget_id: str) -> str:
    """The user key Streamlit folds into a widget id (`$$ID-<hash>-<key>`), 'None' without one."""
    return widget_id.split("-", 2)[2] if widget_id.startswith("$$ID-") else widget_id


def _value(kind: str, element) -> tuple[str, object] | None:
    """The (WidgetState field, value) a browser holds for a freshly drawn widget; None for triggers and others."""
    fresh = getattr(element, "set_value", False)
    if kind == "slider":
        return "double_array_value", list(element.value if fresh or element.value else element.default)
    if kind == "checkbox":
        return "bool_value", element.value if fresh else element.default
    if kind in ("text_input", "text_area"):
        if fresh or element.HasField("value"):
            return "string_value", element.value
        return "string_value", element.default if element.HasField("default") else ""
    if kind in ("radio", "selectbox"):
        if fresh or element.HasField("raw_value"):
            return "string_value", element.raw_value
        return ("string_value", element.options[element.default]) if element.HasField("default") else None
    if kind == "button_group":
        if fresh:
            return "string_array_value", list(element.raw_values)
        return "string_array_value", [element.options[i].content for i in element.default]
    if kind == "number_input":
        if not (fresh or element.HasField("value") or element.HasField("default")):
            return None
        number = element.value if fresh or element.HasField("value") else element.default
        return ("int_value", int(number)) if element.data_type == element.INT else ("double_value", number)
    return None


class Tab:
    """A browser tab on one Streamlit app: open a page, change widgets, click buttons, read what was drawn."""

    def __init__(self, base_url: str, timeout: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie = ""
        self.socket = None
        self.query = ""
        self.page_hash = ""
        self.widgets: dict[str, tuple[str, object]] = {}  # id -> (WidgetState field, value) the browser holds
        self.labels: dict[str, str] = {}  # id -> label, for every widget drawn (buttons included)
        self.fragments: dict[str, str] = {}  # widget id -> the fragment it lives in
        self.downloads: dict[str, object] = {}  # label -> the download button last drawn with it
        self.components: dict[str, dict] = {}  # user key -> the arguments a custom component was last drawn with
        self.session_id = ""

    def load_index(self) -> None:
        """GET the app's page as a browser does first, keeping the cookies it sets (a proxy's route among them)."""
        with urllib.request.urlopen(self.base_url + "/", timeout=self.timeout) as response:
            jar = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            response.read()
        self.cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())

    async def connect(self) -> None:
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.socket = await websockets.connect(ws_url, subprotocols=["streamlit"], additional_headers=headers,
                                               max_size=None, open_timeout=self.timeout, ping_interval=None)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def open(self, page: str = "", query: str = "") -> Run:
        """Load a page by its URL path ('' for the default page), with a query string."""
        self.query = query
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        return await self._send(message)

    async def change(self, key: str, value) -> Run:
        """Change the widget with this user key to a value, as a person would; returns the run it caused."""
        self.fill(key, value)
        return await self._rerun(self.fragments.get(self.widget_id(key), ""))

    async def send_component(self, key: str, value) -> Run:
        """What a custom component's JavaScript sends (Streamlit.setComponentValue): a JSON value, then the run it causes."""
        widget_id = self.widget_id(key)
        self.widgets[widget_id] = ("json_value", json.dumps(value))
        return await self._rerun(self.fragments.get(widget_id, ""))

    def fill(self, key_or_label: str, value) -> None:
        """Type into a widget inside a form: the browser holds the value and sends it with the form's submit."""
        widget_id = self.widget_id(key_or_label)
        field_name, _ = self.widgets[widget_id]
        self.widgets[widget_id] = (field_name, value)

    async def click(self, key_or_label: str) -> Run:
        """Click a button (by key, or by label when it has none): one trigger, sent once."""
        widget_id = self.widget_id(key_or_label)
        return await self._rerun(self.fragments.get(widget_id, ""), trigger=widget_id)

    async def file_url(self, label: str) -> str:
        """The address of a download button's file; a deferred file is asked for over the websocket, as the browser does."""
        button = self.downloads.get(label)
        if button is None:
            raise ProtocolError(f"No download button '{label}' on the page.")
        if button.deferred_file_id:
            message = BackMsg()
            request = message.backend_operation_request
            request.request_id, request.session_id = f"download-{time.monotonic_ns()}", self.session_id
            request.deferred_file.file_id = button.deferred_file_id
            await self.socket.send(message.SerializeToString())
            while (forward := await self._receive()).WhichOneof("type") != "backend_operation_response":
                pass
            answer = forward.backend_operation_response
            if answer.error_msg:
                raise ProtocolError(f"The download failed: {answer.error_msg}")
            return answer.deferred_file.url
        return button.url

    async def download(self, label: str) -> bytes:
        """Click a download button and fetch the file with this tab's cookies (a proxy's route among them)."""
        url = await self.file_url(label)
        request = urllib.request.Request(self.base_url + url, headers={"Cookie": self.cookie} if self.cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            raise ProtocolError(f"GET {url} answered {err.code}") from None

    def widget_id(self, key: str) -> str:
        """The id of the widget drawn with this user key, or else with this label."""
        for widget_id in self.labels:
            if widget_key(widget_id) == key:
                return widget_id
        for widget_id, label in self.labels.items():
            if label == key:
                return widget_id
        raise ProtocolError(f"No widget '{key}' on the page.")

    def value(self, key: str):
        return self.widgets[self.widget_id(key)][1]

    async def _rerun(self, fragment_id: str, trigger: str | None = None) -> Run:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.fragment_id = fragment_id
        for widget_id, (field_name, value) in self.widgets.items():
            state = WidgetState(id=widget_id)
            if field_name.endswith("array_value"):
                getattr(state, field_name).data.extend(value)
            else:
                setattr(state, field_name, value)
            rerun.widget_states.widgets.append(state)
        if trigger:
            rerun.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        return await self._send(message)

    async def _send(self, message: BackMsg) -> Run:
        """Send one request and read until its run finishes; a run that never finishes is a TimeoutError."""
        async with asyncio.timeout(self.timeout):
            return await self._answer(message)

    async def _answer(self, message: BackMsg) -> Run:
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        run, seen = Run(), set()
        while True:
            forward = await self._receive()
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = forward.new_session.page_script_hash
                self.session_id = forward.new_session.initialize.session_id or self.session_id
                run, seen = Run(), set()  # a run restarted (st.rerun, or an interrupted run): what counts is the last one
            elif kind == "navigation":
                self.page_hash = forward.navigation.page_script_hash  # the page shown, not app.py
            elif kind == "delta":
                self._draw(forward, run, seen)
            elif kind == "page_info_changed":
                self.query = run.query = forward.page_info_changed.query_string
            elif kind == "page_not_found":
                raise ProtocolError(f"Page not found: {forward.page_not_found.page_name}")
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                run.status, run.seconds = status, time.perf_counter() - started
                if status not in FINISHED:
                    raise ProtocolError(f"The run ended with status {status}.")
                self._forget_undrawn(run, seen)
                return run

    async def _receive(self) -> ForwardMsg:
        forward = ForwardMsg()
        forward.ParseFromString(await self.socket.recv())
        if forward.WhichOneof("type") == "ref_hash":  # only sent to a browser that declares cached messages; a tab declares none
            raise ProtocolError("The server referred to a cached message this tab never declared.")
        return forward

    def _draw(self, forward: ForwardMsg, run: Run, seen: set[str]) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        kind = delta.new_element.WhichOneof("type")
        element = getattr(delta.new_element, kind)
        if kind == "exception":
            raise ProtocolError(f"The page raised {element.type}: {element.message}")
        run.elements.append((kind, element, delta.fragment_id))
        if kind == "download_button":
            self.downloads[element.label] = element
        if kind == "component_instance":
            self.components[widget_key(element.id)] = json.loads(element.json_args)
        widget_id = getattr(element, "id", "")
        if not isinstance(widget_id, str) or not widget_id.startswith("$$ID-"):
            return
        seen.add(widget_id)
        self.labels[widget_id] = getattr(element, "label", "")
        if delta.fragment_id:
            self.fragments[widget_id] = delta.fragment_id
        held = _value(kind, element)
        if held is not None and (widget_id not in self.widgets or getattr(element, "set_value", False)):
            self.widgets[widget_id] = held

    def _forget_undrawn(self, run: Run, seen: set[str]) -> None:
        """A browser drops widgets the run did not draw: all of them after a full run, the fragment's after a fragment run."""
        fragment_run = run.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        fragment_ids = {f for _, _, f in run.elements if f}
        for widget_id in list(self.labels):
            if widget_id not in seen and (not fragment_run or self.fragments.get(widget_id) in fragment_ids):
                self.widgets.pop(widget_id, None)
                del self.labels[widget_id]
