"""AT command handlers of the emulated modem.

A mixin used by ``modem.Modem``: each ``_h_<NAME>`` method handles ``AT+<NAME>`` and each
``_c_<NAME>`` handles ``AT^<NAME>``.  A handler gets ``(op, args)`` with ``op`` one of
exec / read / test / set and returns ``(info_lines, final)``, or None when it has taken over
the output itself (the SMS ``> `` prompt).  Vendor commands answer only on the profiles that
list them in ``extra_commands``; everything else falls back to the profile's error text.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Optional

from .calls import Call, CallRecord
from .sms_store import STAT_BY_NAME, STAT_NAMES, StorageFull, text_view, ucs2_hex

if TYPE_CHECKING:  # pragma: no cover
    from .modem import Modem

Reply = Optional[tuple[list[str], str]]

CME_TEXT = {
    3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted",
    11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 16: "incorrect password",
    20: "memory full", 21: "invalid index", 22: "not found", 30: "no network service",
    50: "Incorrect parameters", 100: "unknown",
}
CEER_TEXT = {
    16: "Normal call clearing", 17: "User busy", 18: "No user responding",
    19: "User alerting, no answer", 21: "Call rejected", 31: "Normal, unspecified",
}  # SIM7600 table wording; other firmware differs [I]

# every vendor command any profile knows; a profile answers only its own
VENDOR_COMMANDS = frozenset({
    "+MORING", "+DDET", "+CDRIND", "+CIURC", "+HVOIC", "+CMGDA",
    "^DSCI", "+QINDCFG", "+QTONEDET", "+QHUP", "+QCFG",
    "+CDTAM", "+CRESET", "+AUTOCSQ", "+CNSMOD",
    "^CURC", "^DDSETEX", "^CVOICE", "^SYSINFO", "^DDTMFCFG", "^CSNR", "^U2DIAG",
})

_SIMPLE = {  # accepted, stored, echoed back by the read form; no behaviour behind them
    "+CLIP": "0", "+CRC": "0", "+CSSN": "0,0", "+CSMP": "17,167,0,0", "+CIURC": "1",
    "+CDRIND": "0", "+CDTAM": "0", "+AUTOCSQ": "0,0", "+CNSMOD": "0", "+QCFG": "",
    "^DDSETEX": "", "^U2DIAG": "0", "+CNMA": "", "+CSCB": "0", "+CTZU": "0", "+CLTS": "0",
    "+IPR": "115200", "+CSCLK": "0", "+CLVL": "5", "+CMUT": "0", "+VTS": "",
}
# commands that need an unlocked SIM (27.007: +CME ERROR: 11 while the PIN is pending)
_NEEDS_SIM = frozenset({"+CIMI", "+CMGF", "+CPMS", "+CNMI", "+CMGR", "+CMGL", "+CMGD", "+CMGS",
                        "+CMGW", "+CSCA", "+CLCC", "+CCFC"})


def split_args(s: str) -> list[str]:
    """Split on commas outside double quotes; strip blanks and the quotes."""
    out, cur, quoted = [], [], False
    for ch in s:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return [a[1:-1] if len(a) >= 2 and a[0] == a[-1] == '"' else a for a in out]


def _int(s: str, default: int | None = None) -> int:
    try:
        return int(s)
    except (TypeError, ValueError):
        if default is None:
            raise
        return default


_EXT_RE = re.compile(r"([+^$][A-Za-z0-9]+)(.*)$", re.S)


class CommandHandlers:
    # --- errors ----------------------------------------------------------------------
    def cme(self: "Modem", code: int) -> str:
        if self.settings.cmee == 0:
            return "ERROR"
        if self.settings.cmee == 2 and code in CME_TEXT:
            return f"+CME ERROR: {CME_TEXT[code]}"
        return f"+CME ERROR: {code}"

    def cms(self: "Modem", code: int) -> str:
        return f"+CMS ERROR: {code}"  # numeric even with CMEE=2, as in the SIM800 transcript [I]

    def _error_text(self: "Modem", text: str) -> str:
        """A configured error line: '+CME ERROR: <n>' goes through CMEE, anything else verbatim."""
        m = re.fullmatch(r"\+CME ERROR:\s*(\d+)", text.strip())
        return self.cme(int(m.group(1))) if m else text

    # --- dispatch ----------------------------------------------------------------------
    def dispatch(self: "Modem", cmd: str) -> Reply:
        body = cmd[2:]
        if not body.strip():
            return [], "OK"
        if body[0] in "+^$":
            return self._extended(body)
        return self._basic(body)

    def _extended(self: "Modem", body: str) -> Reply:
        m = _EXT_RE.match(body)
        if not m:
            return [], self.profile.unknown_error
        name, rest = m.group(1).upper(), m.group(2)
        if rest == "":
            op, args = "exec", ""
        elif rest == "?":
            op, args = "read", ""
        elif rest == "=?":
            op, args = "test", ""
        elif rest.startswith("="):
            op, args = "set", rest[1:]
        else:
            return [], self.profile.unknown_error
        if name in VENDOR_COMMANDS and name not in self.profile.extra_commands:
            return [], self.profile.unknown_error
        if name in _NEEDS_SIM and not self.sim_ready and op != "test":
            return [], (self.cms(311) if name.startswith("+CMG") else self.cme(11 if self.sim_inserted else 10))
        handler = getattr(self, ("_h_" if name[0] == "+" else "_c_") + name[1:], None)
        if handler is None:
            if name in _SIMPLE:
                return self._simple(name, op, args)
            return [], self.profile.unknown_error
        try:
            return handler(op, split_args(args) if op == "set" else [])
        except (ValueError, IndexError):
            return [], self.cme(50)

    def _simple(self: "Modem", name: str, op: str, args: str) -> Reply:
        if op == "set":
            self.settings.simple[name] = args
        elif op == "read":
            return [f"{name}: {self.settings.simple.get(name, _SIMPLE[name])}"], "OK"
        return [], "OK"

    def _basic(self: "Modem", body: str) -> Reply:
        """Basic commands may be chained (``ATE1V1``, ``ATE0Q0V1``); ``D`` eats the rest."""
        lines: list[str] = []
        i = 0
        up = body.upper()
        while i < len(body):
            c = up[i]
            if c == "D":
                return self._dial(body[i + 1:]) if not lines else (lines, "OK")
            if c == " ":
                i += 1
                continue
            if c == "&":
                c2 = up[i + 1: i + 2]
                i += 2
                j = i
                while j < len(body) and body[j].isdigit():
                    j += 1
                i = j
                if c2 == "F":
                    self.reset_settings()
                elif c2 not in ("W", "C", "D", "K", "V"):
                    return [], self.profile.unknown_error
                continue
            if c == "S":
                m = re.match(r"S(\d+)(\?|=(\d*))", up[i:])
                if not m:
                    return [], self.profile.unknown_error
                if m.group(2) == "?":
                    lines.append(f"{self.settings.sregs.get(int(m.group(1)), 0):03d}")
                else:
                    self.settings.sregs[int(m.group(1))] = _int(m.group(3), 0)
                i += len(m.group(0))
                continue
            j = i + 1
            while j < len(body) and body[j].isdigit():
                j += 1
            arg = _int(body[i + 1: j], 0)
            i = j
            if c == "E":
                self.settings.echo = bool(arg)
            elif c in "VQXLM":
                pass  # accepted; verbose result codes are always used [I]
            elif c == "Z":
                self.reset_settings()
            elif c == "I":
                lines.extend(line.format(**self.ident()) for line in self.profile.ati_lines)
            elif c == "H":
                return self.hangup("H")
            elif c == "A":
                return [], "NO CARRIER"  # no incoming call to answer
            else:
                return [], self.profile.unknown_error
        return lines, "OK"

    # --- identification / status ------------------------------------------------------
    def ident(self: "Modem") -> dict[str, str]:
        p = self.profile
        return dict(manufacturer=p.manufacturer, model=p.model, revision=p.revision, imei=p.imei)

    def _h_CGMI(self: "Modem", op: str, args: list[str]) -> Reply:
        return ([self.profile.manufacturer] if op in ("exec", "set") else []), "OK"

    _h_GMI = _h_CGMI

    def _h_CGMM(self: "Modem", op: str, args: list[str]) -> Reply:
        return ([self.profile.model] if op in ("exec", "set") else []), "OK"

    _h_GMM = _h_CGMM

    def _h_CGMR(self: "Modem", op: str, args: list[str]) -> Reply:
        return ([self.profile.cgmr_format.format(**self.ident())] if op in ("exec", "set") else []), "OK"

    _h_GMR = _h_CGMR

    def _h_CGSN(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "set":
            return [f"+CGSN: {self.profile.imei}"], "OK"
        return ([self.profile.imei] if op == "exec" else []), "OK"

    _h_GSN = _h_CGSN

    def _h_CIMI(self: "Modem", op: str, args: list[str]) -> Reply:
        return ([self.profile.imsi] if op == "exec" else []), "OK"

    def _h_GCAP(self: "Modem", op: str, args: list[str]) -> Reply:
        return ["+GCAP: +CGSM"], "OK"

    def _h_CMEE(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f"+CMEE: {self.settings.cmee}"], "OK"
        if op == "test":
            return ["+CMEE: (0-2)"], "OK"
        n = _int(args[0]) if op == "set" and args[0] != "" else 0
        if n not in (0, 1, 2):
            return [], self.cme(50)
        self.settings.cmee = n
        return [], "OK"

    def _h_CPIN(self: "Modem", op: str, args: list[str]) -> Reply:
        if not self.sim_inserted:
            return [], self.cme(10)
        if op == "read":
            return [f"+CPIN: {self.cpin_state}"], "OK"
        if op != "set":
            return [], "OK"
        self.pin_attempts += 1
        if self.cpin_state == "SIM PUK":
            return [], self.cme(12)
        if self.cpin_state == "READY":
            return [], self.cme(3)  # nothing to unlock [I]
        if args[0] == self.pin:
            self.settings.pin_ok = True
            self.event("SIM PIN accepted")
            self.later(0.0, self._sim_unlocked)
            return [], "OK"
        self.wrong_pin_attempts += 1
        self.event(f"wrong SIM PIN (failure {self.wrong_pin_attempts})")
        return [], self.cme(16)

    def _h_CFUN(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f"+CFUN: {self.settings.cfun}"], "OK"
        if op == "test":
            return ["+CFUN: (0,1,4),(0-1)"], "OK"
        if op == "set":
            fun = _int(args[0])
            if len(args) > 1 and args[1] == "1":
                self.later(0.05, self.reset, "AT+CFUN=1,1")
                return [], "OK"
            self.settings.cfun = fun
        return [], "OK"

    def _h_CRESET(self: "Modem", op: str, args: list[str]) -> Reply:
        self.later(0.05, self.reset, "AT+CRESET")
        return [], "OK"

    def _reg(self: "Modem", name: str, op: str, args: list[str]) -> Reply:
        if op == "set":
            n = _int(args[0])
            if n not in (0, 1, 2):
                return [], self.cme(50)
            self.settings.reg_n[name] = n
            return [], "OK"
        if op == "test":
            return [f"{name}: (0-2)"], "OK"
        if op == "read":
            return [self.reg_line(name, query=True)], "OK"
        return [], "OK"

    def _h_CREG(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._reg("+CREG", op, args)

    def _h_CGREG(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._reg("+CGREG", op, args)

    def _h_CEREG(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._reg("+CEREG", op, args)

    def _h_CSQ(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "test":
            return ["+CSQ: (0-31,99),(0-7,99)"], "OK"
        return [f"+CSQ: {self.rssi},99"], "OK"

    def _h_COPS(self: "Modem", op: str, args: list[str]) -> Reply:
        p = self.profile
        if op == "read":
            if self.effective_reg() not in (1, 5):
                return ["+COPS: 0"], "OK"
            act = f",{p.act}" if p.act is not None else ""
            return [f'+COPS: 0,0,"{p.operator}"{act}'], "OK"
        if op == "test":
            return [f'+COPS: (2,"{p.operator}","{p.operator}","46000"),,(0-4),(0-2)'], "OK"
        return [], "OK"

    def _h_CSCA(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f'+CSCA: "{self.smsc}",145'], "OK"
        return [], "OK"

    def _h_COLP(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f"+COLP: {self.settings.colp},1"], "OK"
        if op == "set":
            self.settings.colp = _int(args[0])
            if self.settings.colp:
                self.event("AT+COLP=1: blocking ATD is not emulated; ATD still answers OK at once")
        return [], "OK"

    # --- vendor URC switches ------------------------------------------------------------
    def _flag(self: "Modem", attr: str, name: str, op: str, args: list[str], index: int = 0) -> Reply:
        if op == "set":
            setattr(self.settings, attr, _int(args[index]) == 1)
        elif op == "read":
            return [f"{name}: {int(getattr(self.settings, attr))}"], "OK"
        return [], "OK"

    def _h_MORING(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._flag("moring", "+MORING", op, args)

    def _c_DSCI(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._flag("dsci", "^DSCI", op, args)

    def _h_DDET(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._flag("ddet", "+DDET", op, args)

    def _h_QTONEDET(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._flag("qtonedet", "+QTONEDET", op, args)

    def _c_CURC(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._flag("curc", "^CURC", op, args)

    def _c_DDTMFCFG(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "set":
            self.settings.ddtmf = args[0] == "0" and args[1:2] == ["1"]
        return [], "OK"

    def _h_QINDCFG(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "test":
            return ['+QINDCFG: "all",(0,1),(0,1)'], "OK"
        if op != "set":
            return [], "OK"
        what = args[0].lower()
        attr = {"ccinfo": "ccinfo", "smsfull": "qind_smsfull"}.get(what)
        if len(args) == 1:
            val = int(getattr(self.settings, attr)) if attr else 1
            return [f'+QINDCFG: "{what}",{val}'], "OK"
        if attr:
            setattr(self.settings, attr, _int(args[1]) == 1)
        return [], "OK"

    def _c_CVOICE(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "test":
            return ["^CVOICE:(0)"], "OK"
        if op == "read":
            return ["^CVOICE:0,8000,16,20"], "OK"
        return [], "OK"

    def _c_SYSINFO(self: "Modem", op: str, args: list[str]) -> Reply:
        srv = 2 if self.effective_reg() in (1, 5) else 0
        return [f"^SYSINFO:{srv},3,0,5,1,,4"], "OK"

    def _c_CSNR(self: "Modem", op: str, args: list[str]) -> Reply:
        return ["^CSNR:-83,-7"], "OK"

    # --- calls ------------------------------------------------------------------------
    def _dial(self: "Modem", rest: str) -> Reply:
        rest = rest.strip()
        if not rest.endswith(";"):
            self.event(f"data call ATD{rest} refused (no ';')")
            return [], "NO CARRIER"
        number = rest[:-1].strip()
        if not number:
            return [], "ERROR"
        if not self.sim_ready:
            return [], self.cme(11 if self.sim_inserted else 10)
        if number.endswith("#"):  # 22.030 supplementary-service string, not a call [I]
            self.event(f"supplementary service string {number} accepted")
            return [], "OK"
        if self.active_calls:
            self.event(f"ATD{number}; refused: a call is already up")
            return [], self.cme(3)  # [I]
        callee = self.callees.get(number, self.default_callee)
        if callee.kind == "fails" or self.effective_reg() not in (1, 5):
            rec = CallRecord(number=number, outcome="failed", script=callee.kind)
            rec.dialed_at = rec.ended_at = time.monotonic()
            self.call_records.append(rec)
            if callee.kind == "fails":
                self.event(f"call {number} failed: {callee.error}")
                return [], self._error_text(callee.error)
            self.event(f"call {number} failed: not registered")
            return [], "NO CARRIER"  # [I]
        call = Call(self, number, callee, self.alerting_delay, self.profile.first_call_id)
        self.active_calls.append(call)
        self.call_records.append(call.record)
        call.start()
        return [], "OK"

    def hangup(self: "Modem", kind: str) -> Reply:
        rule = self.profile.hangup.get(kind)
        if rule is None or not rule.supported:
            return [], self.profile.unknown_error
        cmd = "ATH" if kind == "H" else "AT" + kind
        if not self.active_calls:
            return [], "OK"
        if rule.needs_cvhu0 and self.settings.cvhu != 0:
            self.event(f"{cmd} ignored: AT+CVHU is {self.settings.cvhu}, the call continues")
            return [], "OK"
        for call in list(self.active_calls):
            if rule.end_before_ok:
                call.end("host", "host", final=rule.final)
            else:
                self.later(0.0, call.end, "host", "host", rule.final)
        return [], "OK"

    def _h_CHUP(self: "Modem", op: str, args: list[str]) -> Reply:
        return self.hangup("+CHUP")

    def _h_HVOIC(self: "Modem", op: str, args: list[str]) -> Reply:
        return self.hangup("H")

    def _h_QHUP(self: "Modem", op: str, args: list[str]) -> Reply:
        return self.hangup("+CHUP")

    def _h_CVHU(self: "Modem", op: str, args: list[str]) -> Reply:
        if self.profile.cvhu_default is None:
            return [], self.profile.unknown_error
        if op == "read":
            return [f"+CVHU: {self.settings.cvhu}"], "OK"
        if op == "test":
            return ["+CVHU: (0-1)"], "OK"
        if op == "set":
            self.settings.cvhu = _int(args[0])
        return [], "OK"

    def _h_CLCC(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "set":
            self.settings.clcc_urc = _int(args[0]) == 1
            return [], "OK"
        if op == "read":
            return [f"+CLCC: {int(self.settings.clcc_urc)}"], "OK"
        if op == "test":
            return [], "OK"
        lines = []
        if self.profile.lte_data_call:
            lines.append('+CLCC: 1,0,0,1,0,"",128')  # EC25 on LTE lists a PS pseudo-call [M]
        lines.extend(c.clcc_line() for c in self.active_calls)
        return lines, "OK"

    def _h_CEER(self: "Modem", op: str, args: list[str]) -> Reply:
        text = CEER_TEXT.get(self.last_cause or -1, "No cause information available")  # [I]
        return [f"+CEER: {text}"], "OK"

    # --- SMS ----------------------------------------------------------------------------
    def _h_CMGF(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f"+CMGF: {self.settings.cmgf}"], "OK"
        if op == "test":
            return ["+CMGF: (0,1)"], "OK"
        if op == "set":
            n = _int(args[0])
            if n not in (0, 1):
                return [], self.cms(302)
            self.settings.cmgf = n
        return [], "OK"

    def _h_CSCS(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f'+CSCS: "{self.settings.cscs}"'], "OK"
        if op == "test":
            return ['+CSCS: ("IRA","GSM","UCS2")'], "OK"
        if op == "set":
            if args[0].upper() not in ("IRA", "GSM", "UCS2", "HEX", "PCCP936"):
                return [], self.cme(50)
            self.settings.cscs = args[0].upper()
        return [], "OK"

    def _h_CSDH(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return [f"+CSDH: {self.settings.csdh}"], "OK"
        if op == "set":
            self.settings.csdh = _int(args[0], 0)
        return [], "OK"

    def _cpms_counts(self: "Modem") -> str:
        u, c = self.store.used, self.store.capacity
        return f"{u},{c},{u},{c},{u},{c}"

    def _h_CPMS(self: "Modem", op: str, args: list[str]) -> Reply:
        pre = self.profile.cpms_prefix
        names = self.profile.sms_storages
        if op == "test":
            lst = ",".join(f'"{n}"' for n in names)
            return [f"{pre}({lst}),({lst}),({lst})"], "OK"
        if op == "read":
            u, c = self.store.used, self.store.capacity
            return [pre + ",".join(f'"{m}",{u},{c}' for m in self.settings.mems)], "OK"
        if op != "set":
            return [], "OK"
        wanted = [a.upper() for a in args if a != ""]
        if not wanted or any(m not in names for m in wanted) or len(wanted) > 3:
            return [], self.cms(302)
        for i, m in enumerate(wanted):
            self.settings.mems[i] = m
        return [pre + self._cpms_counts()], "OK"

    def _h_CNMI(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "read":
            return ["+CNMI: " + ",".join(str(x) for x in self.settings.cnmi)], "OK"
        if op == "test":
            return ["+CNMI: (0-2),(0-3),(0-3),(0-2),(0,1)"], "OK"
        if op == "set":
            vals = [_int(a, 0) for a in args]
            self.settings.cnmi = tuple(vals + list(self.settings.cnmi[len(vals):]))[:5]
        return [], "OK"

    def _alpha(self: "Modem") -> str:
        return self.profile.cmgr_alpha

    def _text_fields(self: "Modem", pdu: str) -> tuple[str, str, str]:
        """(sender, scts, body) for text mode, honouring CSCS for numbers and GSM-7 bodies."""
        try:
            v = text_view(pdu)
        except (IndexError, ValueError):
            return "", "", pdu
        sender, body = v.sender, v.body
        if self.settings.cscs == "UCS2":
            sender = ucs2_hex(sender)
            if not v.body_is_hex:
                body = ucs2_hex(body)
        return sender, v.scts, body

    def _h_CMGR(self: "Modem", op: str, args: list[str]) -> Reply:
        if op != "set":
            return [], "OK" if op == "test" else self.cms(302)
        idx = _int(args[0])
        if not self.store.in_range(idx):
            return [], self.cms(321)
        slot = self.store.get(idx)
        if slot is None:
            return [], "OK" if self.profile.cmgr_empty_ok else self.cms(321)
        if self.settings.cmgf == 0:
            lines = [f"+CMGR: {slot.stat},{self._alpha()},{slot.length}", slot.pdu]
        else:
            sender, scts, body = self._text_fields(slot.pdu)
            lines = [f'+CMGR: "{STAT_NAMES[slot.stat]}","{sender}","","{scts}"', body]
        if slot.stat == 0:
            slot.stat = 1
        return lines, "OK"

    def _h_CMGL(self: "Modem", op: str, args: list[str]) -> Reply:
        pdu_mode = self.settings.cmgf == 0
        if op == "test":
            return (["+CMGL: (0-4)"] if pdu_mode else
                    ['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")']), "OK"
        raw = args[0] if op == "set" else ("0" if pdu_mode else "REC UNREAD")
        stat = _int(raw, -1) if pdu_mode else STAT_BY_NAME.get(raw.upper(), -1)
        if stat not in range(5):
            return [], self.cms(302)
        lines: list[str] = []
        for idx, slot in self.store.listing(stat):
            if pdu_mode:
                lines += [f"+CMGL: {idx},{slot.stat},{self._alpha()},{slot.length}", slot.pdu]
            else:
                sender, scts, body = self._text_fields(slot.pdu)
                lines += [f'+CMGL: {idx},"{STAT_NAMES[slot.stat]}","{sender}","","{scts}"', body]
            if slot.stat == 0:
                slot.stat = 1
        return lines, "OK"

    def _h_CMGD(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "test":
            used = ",".join(str(i) for i in sorted(self.store.slots))
            return [f"+CMGD: ({used}),(0-4)"], "OK"
        if op != "set":
            return [], self.cms(302)
        idx = _int(args[0], self.store.base)
        flag = _int(args[1], 0) if len(args) > 1 and args[1] != "" else 0
        if flag not in range(5):
            return [], self.cms(302)
        if flag == 0 and not self.store.in_range(idx):
            return [], self.cms(321)
        self.store.delete(idx, flag)
        self.event(f"sms deleted index {idx} flag {flag}")
        return [], "OK"

    def _h_CMGDA(self: "Modem", op: str, args: list[str]) -> Reply:
        if op == "set":
            self.store.delete(0, 4)
        return [], "OK"

    def _h_CMGS(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._start_input("cmgs", op, args)

    def _h_CMGW(self: "Modem", op: str, args: list[str]) -> Reply:
        return self._start_input("cmgw", op, args)

    def _start_input(self: "Modem", what: str, op: str, args: list[str]) -> Reply:
        if op == "test":
            return [], "OK"
        if op != "set":
            return [], self.cms(302)
        if self.settings.cmgf == 0:
            length = _int(args[0], -1)
            if length <= 0 or length > 176:
                return [], self.cms(304)
            self.begin_input(what, length=length, da=None)
        else:
            self.begin_input(what, length=None, da=args[0])
        return None

    def finish_input(self: "Modem", what: str, data: bytes, length: int | None, da: str | None) -> tuple[list[str], str]:
        """Ctrl-Z received after the prompt: submit (CMGS) or store (CMGW) the message."""
        if length is not None:  # PDU mode
            hexstr = "".join(data.decode("latin-1").split()).upper()
            try:
                raw = bytes.fromhex(hexstr)
                tpdu = len(raw) - 1 - raw[0]
            except (ValueError, IndexError):
                self.event("PDU input is not valid hex")
                return [], self.cms(304)
            if tpdu != length:
                self.event(f"PDU length mismatch: AT+CMG{what[-1].upper()}={length} but TPDU has {tpdu} octets")
                return [], self.cms(304)  # [I] real firmware may be laxer
            payload = hexstr
        else:
            payload = data.decode("utf-8", "replace")
        if what == "cmgw":
            try:
                idx = self.store.add(payload if length is not None else payload.encode().hex(), stat=2)
            except StorageFull:
                return [], self.cms(322)
            return [f"+CMGW: {idx}"], "OK"
        if self.effective_reg() not in (1, 5):
            return [], self.cms(331)
        self.message_ref = (self.message_ref + 1) % 256
        self.sent_sms.append(payload)
        self.event(f"sms sent ({'pdu' if length is not None else 'text to ' + str(da)}) mr={self.message_ref}")
        return [f"+CMGS: {self.message_ref}"], "OK"
