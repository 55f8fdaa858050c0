# gsmcall in a container.  See docs/operations.md ("Docker") for --device, by-id paths and
# surviving a modem that re-enumerates.
#
#   docker build -t gsmcall .
#   docker run -d --name gsmcall --restart unless-stopped \
#     --device /dev/serial/by-id/usb-Quectel_Incorporated_LTE_Module-if02-port0:/dev/gsmcall-modem \
#     -v "$PWD/config.yaml:/etc/gsmcall/config.yaml:ro" -v gsmcall-state:/var/lib/gsmcall gsmcall

# Build the wheels in a throw-away stage so the source tree never lands in the image.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gsmcall ./gsmcall
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GSMCALL_CONFIG=/etc/gsmcall/config.yaml

# A fixed, unprivileged uid in the image's dialout group (gid 20, as on Debian and Raspberry Pi
# OS hosts, so the host's root:dialout 0660 tty nodes are usable).  If the host's dialout gid
# differs, add it with --group-add <gid>.
RUN useradd --system --uid 10001 --user-group --groups dialout \
        --home-dir /var/lib/gsmcall --no-create-home --shell /usr/sbin/nologin gsmcall \
    && install -d -o gsmcall -g gsmcall -m 0750 /var/lib/gsmcall \
    && install -d -o root -g gsmcall -m 0750 /etc/gsmcall

COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels /wheels/gsmcall-*.whl \
    && rm -rf /wheels
# The commented example; mount the real config at /etc/gsmcall/config.yaml.
COPY config.yaml /etc/gsmcall/config.example.yaml

# Numeric, so the runtime (and Kubernetes runAsNonRoot) need not resolve the name.
USER 10001
WORKDIR /var/lib/gsmcall
VOLUME ["/var/lib/gsmcall"]
EXPOSE 9464

# The daemon owns the serial port, so the check must not open it: it reads the age of the
# heartbeat file the daemon touches each loop iteration while the modem answers.  The start
# period covers modem start-up and network registration (up to 90 s); 180 s is three idle
# health probes.  Keep the directory in step with state.dir in the config.
HEALTHCHECK --interval=60s --timeout=10s --start-period=300s --retries=3 \
    CMD ["python", "-m", "gsmcall.heartbeat", "/var/lib/gsmcall", "180"]

# SIGTERM (docker stop) makes gsmcall hang up a running call and exit 0; give it time to.
STOPSIGNAL SIGTERM
ENTRYPOINT ["gsmcall"]
