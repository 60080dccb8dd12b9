"""Reading a model config file: parsed within limits, its keys and values checked, and typed access to it.

``limits`` (bounds on the file and on each kind of value), ``keys`` (the keys lineage understands and their
other spellings, the DeepSeek inference format's included), ``consistency`` (values that contradict each
other), ``read`` (parse, check, and :class:`~lineage.configfile.read.View`).  No claims here: the config
reader (:mod:`lineage.ingest.config`) and the measurements (:mod:`lineage.measure`) build on it.
"""
