"""Where vendors store people's names, as each declares it (`Vendor.personal_data`, a module with STORED and RAW)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stored:
    """A model whose rows name people: its name fields and their kinds, the field that dates a row (older
    than the cutoff: its names go), and the JSON field holding the vendor's record with the same names."""

    model: type
    names: dict
    age: str
    raw: dict = field(default_factory=dict)  # raw field's top-level key -> the name field it repeats


@dataclass(frozen=True)
class Raw:
    """A model keeping vendor answers raw (its `raw` JSON field, shapes the vendor does not document): the values
    under name keys are scrubbed; `age` dates a row."""

    model: type
    age: str
