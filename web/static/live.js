// Live updates for the workspace page. Replaced by the full client (reconnect, resume, offline queue).
"use strict";
