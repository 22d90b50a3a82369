"""The studies, by id, in pipeline order: adding a study is one package under ``nnrg.studies``
and one line here. No stage imports this module (a stage is found by its file,
``nnrg.core.registry.stage_module``), so adding a study reruns nothing else."""

STUDIES = {
    "000": "imp_hnn",  # IMP of Hamiltonian neural networks as an RG
    "001": "autoencoder_rg",  # autoencoders vs RG decimation on 2D Ising lattices
    "002": "rbm_flow",  # RBM flows towards criticality
    "004": "nn_qft",  # the NN-QFT correspondence
}
