"""Excel/CSV ledgers of SPEC §6: templates, import (validate, preview, write) and export."""
